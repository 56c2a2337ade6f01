import Synchronization

/// An ``AuditClock`` for tests: time moves only when told to (``advance(by:)``, which moves wall and monotonic time
/// together). Sleepers wake, in deadline order, once time passes their deadline, or with `CancellationError` when
/// their task is cancelled.
public final class ManualAuditClock: AuditClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var monotonic: Duration = .zero
        var unixNanoseconds: Int64
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Creates a clock reading `unixNanoseconds` (2026-05-01T12:00:00Z by default), monotonic time zero.
    public init(unixNanoseconds: Int64 = 1_777_636_800_000_000_000) {
        self.state = Mutex(State(unixNanoseconds: unixNanoseconds))
    }

    public func unixNanoseconds() -> Int64 { state.withLock { $0.unixNanoseconds } }

    public func monotonicNow() -> Duration { state.withLock { $0.monotonic } }

    /// How many tasks are asleep on this clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Moves both readings forward by `duration` (a negative duration is ignored) and wakes every sleeper whose
    /// deadline has passed.
    public func advance(by duration: Duration) {
        guard duration > .zero else { return }
        let (seconds, attoseconds) = duration.components
        let due = state.withLock { state -> [Sleeper] in
            state.monotonic += duration
            state.unixNanoseconds += seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            let now = state.monotonic
            let ready = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return ready
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let fireNow = state.withLock { state -> Bool in
                    if duration <= .zero { return true }
                    state.sleepers.append(
                        Sleeper(id: id, deadline: state.monotonic + duration, continuation: continuation)
                    )
                    return false
                }
                if fireNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }
}

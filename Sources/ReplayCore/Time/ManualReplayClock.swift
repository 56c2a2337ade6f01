import Synchronization

/// A `ReplayClock` for tests: time moves only when told to (`advance(by:)`), or when every sleeper is asleep and
/// `autoAdvance` is on. Sleepers wake in deadline order as time passes their deadline. Requested sleeps are
/// recorded so tests can assert backoff delays exactly.
public final class ManualReplayClock: ReplayClock {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
        var id: UInt64
    }

    private struct State {
        var now: Duration = .zero
        var wallOrigin: Int64
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        var requested: [Duration] = []
    }

    private let state: Mutex<State>
    private let autoAdvance: Bool

    /// Creates a clock at `wallStartMilliseconds` (2026-05-01T12:00:00Z by default).
    ///
    /// - Parameter autoAdvance: when `true`, a sleep returns at once after moving time to its deadline (for tests
    ///   that only care about the order and length of waits, not about concurrency while waiting).
    public init(wallStartMilliseconds: Int64 = 1_777_636_800_000, autoAdvance: Bool = false) {
        self.state = Mutex(State(wallOrigin: wallStartMilliseconds))
        self.autoAdvance = autoAdvance
    }

    public func monotonicNow() -> Duration { state.withLock { $0.now } }

    public func wallNowMilliseconds() -> Int64 {
        state.withLock {
            $0.wallOrigin + Int64($0.now.components.seconds) * 1000 + $0.now.components.attoseconds
                / 1_000_000_000_000_000
        }
    }

    /// Every duration passed to `sleep(for:)`, in call order.
    public var requestedSleeps: [Duration] { state.withLock { $0.requested } }

    /// How many tasks are asleep on this clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        if autoAdvance {
            state.withLock {
                $0.requested.append(duration)
                $0.now += max(duration, .zero)
            }
            wakeDue()
            return
        }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let fireNow = state.withLock { state -> Bool in
                    state.requested.append(duration)
                    if duration <= .zero { return true }
                    state.sleepers.append(Sleeper(deadline: state.now + duration, continuation: continuation, id: id))
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

    /// Moves time forward and wakes every sleeper whose deadline has passed.
    public func advance(by duration: Duration) {
        state.withLock { $0.now += duration }
        wakeDue()
    }

    private func wakeDue() {
        let due = state.withLock { state -> [Sleeper] in
            let ready = state.sleepers.filter { $0.deadline <= state.now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= state.now }
            return ready
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

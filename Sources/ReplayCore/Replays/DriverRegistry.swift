import Synchronization

/// The records this process is driving right now: at most one driver task per record, and a signal that fires
/// when that driver rests (final, indeterminate, or handed to the background).
final class DriverRegistry: Sendable {
    private let active = Mutex<[ReplayRecordID: CompletionSignal]>([:])

    /// Starts `body` as the driver of `id` unless one is already running. Returns the driver's signal either way.
    @discardableResult
    func start(_ id: ReplayRecordID, _ body: @escaping @Sendable () async -> Void) -> CompletionSignal {
        let (signal, isNew) = active.withLock { active -> (CompletionSignal, Bool) in
            if let existing = active[id] { return (existing, false) }
            let signal = CompletionSignal()
            active[id] = signal
            return (signal, true)
        }
        guard isNew else { return signal }
        Task {
            await body()
            _ = active.withLock { $0.removeValue(forKey: id) }
            signal.fire()
        }
        return signal
    }

    /// Whether a driver for `id` is running.
    func isActive(_ id: ReplayRecordID) -> Bool {
        active.withLock { $0[id] != nil }
    }

    /// The signal of the driver running for `id`, if any.
    func signal(for id: ReplayRecordID) -> CompletionSignal? {
        active.withLock { $0[id] }
    }

    /// How many drivers are running.
    var count: Int { active.withLock { $0.count } }
}

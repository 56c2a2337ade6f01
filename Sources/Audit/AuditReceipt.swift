import Synchronization

/// A record appended without waiting (``AuditSink/append(_:)``): the caller goes on with its work, and waits on
/// the receipt before it does what the record must precede (answering the request it describes).
///
/// Waiting costs nothing once the record's group commit is done: a caller that made a later record durable in the
/// meantime (the replay's own `received` record) finds the receipt settled.
public final class AuditReceipt: Sendable {
    private typealias Waiter = CheckedContinuation<Result<Void, AuditError>, Never>

    private enum State {
        case pending([Waiter])
        case settled(Result<Void, AuditError>)
    }

    private let state = Mutex(State.pending([]))

    /// Creates an unsettled receipt.
    public init() {}

    /// The outcome, once the record is durable or could not be made so; `nil` before.
    public var outcome: Result<Void, AuditError>? {
        state.withLock { state in
            guard case .settled(let outcome) = state else { return nil }
            return outcome
        }
    }

    /// Settles the receipt with `outcome` (the first outcome wins) and wakes everyone waiting.
    public func settle(_ outcome: Result<Void, AuditError>) {
        let waiters = state.withLock { state -> [Waiter] in
            guard case .pending(let waiters) = state else { return [] }
            state = .settled(outcome)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    /// Returns once the record is durable.
    ///
    /// - Throws: the ``AuditError`` that kept it from being made durable.
    public func durable() async throws(AuditError) {
        if let outcome { return try outcome.get() }
        let outcome = await withCheckedContinuation { (waiter: Waiter) in
            let settled = state.withLock { state -> Result<Void, AuditError>? in
                switch state {
                case .settled(let outcome):
                    return outcome
                case .pending(var waiters):
                    waiters.append(waiter)
                    state = .pending(waiters)
                    return nil
                }
            }
            if let settled { waiter.resume(returning: settled) }
        }
        try outcome.get()
    }
}

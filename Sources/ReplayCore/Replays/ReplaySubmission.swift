/// What a door gets back from `ReplayEngine.submit`.
public enum ReplaySubmission: Sendable {
    /// The record is final. `replayed` is true when this caller repeated a key that was already done (the stored
    /// answer is returned with `Idempotent-Replayed: true`).
    case completed(ReplayRecord, replayed: Bool)
    /// The same key is being worked on right now: 409 with `Retry-After: 1`.
    case inProgress(ReplayRecord)
    /// The key was used for a different request: 422.
    case keyReused(ReplayRecord)
    /// The outcome is not known within the wait; work continues in the background: 202 `outcome_pending`.
    case pending(ReplayRecord)
    /// replayd could not accept the request (for example its state store is unavailable): nothing was sent.
    case rejected(ReplayError)
}

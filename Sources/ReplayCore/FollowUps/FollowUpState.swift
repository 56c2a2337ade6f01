/// Where a follow-up is in its life. `pending` is the only state the worker acts on; the others are final.
public enum FollowUpState: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its first or next attempt.
    case pending
    /// The platform accepted it (2xx).
    case delivered
    /// It will never be posted: refused (4xx), expired, or out of time while retrying. `lastError` says why.
    case failed
}

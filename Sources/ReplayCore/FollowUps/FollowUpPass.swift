/// What one pass of ``FollowUpWorker/deliverDue(now:)`` did.
public struct FollowUpPass: Sendable, Hashable {
    /// Follow-ups the platform accepted.
    public var delivered = 0
    /// Follow-ups that failed an attempt and were scheduled again.
    public var retrying = 0
    /// Follow-ups that failed for good (refused, expired, out of time).
    public var failed = 0
    /// Follow-ups left as they were because the post was cancelled (shutdown); they are tried again later.
    public var interrupted = 0
    /// Outbox reads or writes that failed; the follow-ups involved stay pending.
    public var storeFailures = 0

    /// Creates an empty tally.
    public init() {}

    /// How many follow-ups the pass handled.
    public var total: Int { delivered + retrying + failed + interrupted }
}

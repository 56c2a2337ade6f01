/// Which records `audit tail` shows. Every filter that is set must match; none set matches everything.
public struct AuditTailFilter: Sendable, Hashable {
    /// `actor.principal` equals this.
    public var principal: String?
    /// `run_id` or `new_run_id` equals this.
    public var runID: String?
    /// `ts` is at or after this, in nanoseconds since the Unix epoch (a record whose `ts` does not parse is left out).
    public var since: Int64?

    /// Creates a filter.
    public init(principal: String? = nil, runID: String? = nil, since: Int64? = nil) {
        self.principal = principal
        self.runID = runID
        self.since = since
    }

    /// Whether `record` passes.
    public func matches(_ record: AuditJSON) -> Bool {
        if let principal, record["actor"]?["principal"]?.stringValue != principal { return false }
        if let runID, record["run_id"]?.stringValue != runID, record["new_run_id"]?.stringValue != runID {
            return false
        }
        if let since {
            guard let ts = record["ts"]?.stringValue.flatMap(AuditTimestamp.parse), ts >= since else { return false }
        }
        return true
    }
}

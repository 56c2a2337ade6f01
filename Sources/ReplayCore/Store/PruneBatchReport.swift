/// One batch of a retention-pruning pass, as the SQLite store measured it (for benchmarks, and the pass's log line).
public struct PruneBatchReport: Sendable, Equatable {
    /// Records the batch deleted (their attempts went with them).
    public var deleted: Int
    /// The most it could delete: the sizer's size for it. Fewer than this ends the pass.
    public var limit: Int
    /// How long the batch held the writer: from its `DELETE`'s start to the end of its group commit (the sync
    /// included), which is how long a write queued behind it waited for it.
    public var held: Duration
    /// How long the `DELETE` statement itself ran (the cascades to attempts included).
    public var statement: Duration

    /// Creates a report.
    public init(deleted: Int, limit: Int, held: Duration, statement: Duration) {
        self.deleted = deleted
        self.limit = limit
        self.held = held
        self.statement = statement
    }
}

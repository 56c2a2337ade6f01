/// What ``AuditLog`` has done since it was opened, for tests, benchmarks and status pages.
public struct AuditLogStatistics: Sendable, Hashable {
    /// Records made durable, including the log's own (`segment_start`, `repair`, …).
    public var records: Int64 = 0
    /// Group commits: one `write` and one `fdatasync` each.
    public var batches: Int64 = 0
    /// `fdatasync`/`fsync` calls on segment files (commits and truncations).
    public var segmentSyncs: Int64 = 0
    /// The most records in one group commit.
    public var largestBatch: Int = 0
    /// Checkpoints signed and appended.
    public var checkpoints: Int64 = 0
    /// Segments closed and started.
    public var rotations: Int64 = 0
    /// Segments deleted by retention.
    public var prunedSegments: Int64 = 0
    /// Torn tails truncated at open.
    public var repairs: Int64 = 0

    /// Creates empty statistics.
    public init() {}
}

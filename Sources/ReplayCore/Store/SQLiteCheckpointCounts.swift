/// What the WAL checkpointer of a SQLite file has done so far, for tests and benchmarks.
public struct SQLiteCheckpointCounts: Sendable, Equatable {
    /// Checkpoints run on the checkpointer's own connection.
    public var background = 0
    /// How long they took in all: time the writer would have spent on them.
    public var backgroundTime = Duration.zero
    /// The longest of them.
    public var longestBackground = Duration.zero
    /// Checkpoints the writer ran after its commit, with the WAL at its maximum.
    public var onWriter = 0
    /// Background checkpoints that failed (busy with another checkpoint, an I/O error); the next one retries.
    public var failed = 0
}

/// One line to replay.
public struct BulkEntry: Sendable, Hashable {
    /// The line number, from 1.
    public var line: Int
    /// The run to replay.
    public var runID: String
    /// The checkpoint to replay from, if any.
    public var checkpoint: Int64?

    /// Creates an entry.
    public init(line: Int, runID: String, checkpoint: Int64? = nil) {
        self.line = line
        self.runID = runID
        self.checkpoint = checkpoint
    }
}

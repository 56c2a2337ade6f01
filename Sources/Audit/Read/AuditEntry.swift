/// One record as ``AuditReader`` returns it: parsed, with its seq, its line and where it came from.
public struct AuditEntry: Sendable, Hashable {
    /// The record's `seq`.
    public var seq: Int64
    /// The parsed record.
    public var record: AuditJSON
    /// The line exactly as stored, without its `\n` (what `audit tail -o json` prints).
    public var line: [UInt8]
    /// The segment file it is in.
    public var segment: String

    /// Creates an entry.
    public init(seq: Int64, record: AuditJSON, line: [UInt8], segment: String) {
        self.seq = seq
        self.record = record
        self.line = line
        self.segment = segment
    }
}

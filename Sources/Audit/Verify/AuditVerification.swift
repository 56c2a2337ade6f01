/// What ``AuditVerifier`` found: how much it checked and, when the log is not intact, the first problem.
public struct AuditVerification: Sendable, Hashable {
    /// How many records were checked (up to the first problem).
    public var recordsChecked: Int
    /// How many segment files were checked completely.
    public var segmentsChecked: Int
    /// The first seq present (1 unless older segments were pruned); `nil` for an empty log.
    public var firstSeq: Int64?
    /// The last good seq (0 for an empty log).
    public var lastSeq: Int64
    /// The last good record's `hash` (``AuditChain/genesis`` for an empty log).
    public var headHash: String
    /// How many checkpoints were compared with the log (signature and head).
    public var checkpointsChecked: Int
    /// The `key_id`s the records are MACed under, in order of first use.
    public var keyIDs: [String]
    /// Things the operator should know that are not problems: what could not be checked, and why.
    public var notes: [String]
    /// The first problem, in log order; `nil` when the log is intact.
    public var firstProblem: AuditProblem?

    /// Whether no problem was found.
    public var intact: Bool { firstProblem == nil }

    /// Creates a result.
    public init(
        recordsChecked: Int = 0,
        segmentsChecked: Int = 0,
        firstSeq: Int64? = nil,
        lastSeq: Int64 = 0,
        headHash: String = AuditChain.genesis,
        checkpointsChecked: Int = 0,
        keyIDs: [String] = [],
        notes: [String] = [],
        firstProblem: AuditProblem? = nil
    ) {
        self.recordsChecked = recordsChecked
        self.segmentsChecked = segmentsChecked
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.headHash = headHash
        self.checkpointsChecked = checkpointsChecked
        self.keyIDs = keyIDs
        self.notes = notes
        self.firstProblem = firstProblem
    }

    /// The report `audit verify` prints: `tampered: …` first when there is a problem, then what was checked,
    /// then the notes (each line without its newline).
    public var report: [String] {
        var lines: [String] = []
        if let firstProblem { lines.append("tampered: \(firstProblem)") }
        let records = "\(recordsChecked) record\(recordsChecked == 1 ? "" : "s")"
        let segments = "\(segmentsChecked) segment\(segmentsChecked == 1 ? "" : "s")"
        if intact {
            lines.append("intact: \(records) in \(segments) checked")
        } else {
            lines.append("checked \(records) in \(segments) before the problem")
        }
        if let firstSeq, lastSeq >= firstSeq {
            lines.append("records: seq \(firstSeq) to \(lastSeq)")
        }
        lines.append("head: seq \(lastSeq) hash \(headHash)")
        lines.append("checkpoints: \(checkpointsChecked) checked")
        if !keyIDs.isEmpty { lines.append("key ids: \(keyIDs.joined(separator: ", "))") }
        lines.append(contentsOf: notes.map { "note: \($0)" })
        return lines
    }
}

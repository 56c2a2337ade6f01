/// The first thing `audit verify` found wrong with a log: where it is, and why.
///
/// For a record that is missing or torn, ``seq`` is the seq that was expected there. For a problem with a checkpoint,
/// ``segment`` is the checkpoints file and ``line`` the checkpoint's line in it.
public struct AuditProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem, as a stable code for scripts and tests.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The last line has no `\n`: a torn write, or bytes cut off the end.
        case tornTail = "torn_tail"
        /// A line is not JSON, or a chain member is missing or has the wrong type.
        case malformed
        /// A line parses, but is not the canonical serialization of what it says (bytes were changed).
        case notCanonical = "not_canonical"
        /// A seq is skipped: one or more lines were deleted.
        case missingRecord = "missing_record"
        /// A seq comes later than where it belongs: lines were swapped.
        case reordered
        /// A seq repeats one already seen: a line was duplicated or replayed.
        case duplicateRecord = "duplicate_record"
        /// `hash` is not the SHA-256 of the record: its content was changed.
        case hashMismatch = "hash_mismatch"
        /// `prev` is not the previous record's `hash`: the chain is broken.
        case prevMismatch = "prev_mismatch"
        /// `key_id` names a key that was not given (the wrong key, or a record from another log).
        case unknownKey = "unknown_key"
        /// `mac` does not verify under the record's key: it was forged or changed.
        case macMismatch = "mac_mismatch"
        /// A segment's file name does not match its first record's seq.
        case segmentName = "segment_name"
        /// A segment does not begin with a `segment_start` that links it to the segment before it (spliced in).
        case segmentLink = "segment_link"
        /// A segment begins with records the log had already passed (an old segment copied back in).
        case segmentReplayed = "segment_replayed"
        /// A segment file is empty where records were expected.
        case emptySegment = "empty_segment"
        /// The first segment present begins after seq 1 and no `segment_pruned` record accounts for it.
        case startsMidChain = "starts_mid_chain"
        /// A checkpoint's signature does not verify under the checkpoint key.
        case checkpointSignature = "checkpoint_signature"
        /// A checkpoint covers more records than the log has: records at the end were removed.
        case checkpointAhead = "checkpoint_ahead"
        /// A checkpoint's head is not the hash of the record it names: records were rewritten.
        case checkpointHead = "checkpoint_head"
        /// A line of the checkpoints file is not a checkpoint.
        case checkpointMalformed = "checkpoint_malformed"
    }

    /// Why a problem is one: its code and words for the operator.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        /// The kind of problem.
        public var code: Code
        /// What exactly is wrong, for a person.
        public var text: String

        /// Creates a reason.
        public init(_ code: Code, _ text: String) {
            self.code = code
            self.text = text
        }

        public var description: String { text }
    }

    /// The first bad seq (for a missing or torn record, the seq that was expected).
    public var seq: Int64
    /// The file: a segment's name, or the checkpoints file's.
    public var segment: String
    /// The line in ``segment``, from 1.
    public var line: Int
    /// Why.
    public var reason: Reason

    /// Creates a problem.
    public init(seq: Int64, segment: String, line: Int, reason: Reason) {
        self.seq = seq
        self.segment = segment
        self.line = line
        self.reason = reason
    }

    /// `seq N (segment S, line L): reason`, as `audit verify` prints it after `tampered: `.
    public var description: String { "seq \(seq) (segment \(segment), line \(line)): \(reason.text)" }
}

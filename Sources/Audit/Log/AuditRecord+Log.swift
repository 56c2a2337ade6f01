/// The records the log writes about itself.
extension AuditRecord {
    /// The first record of every segment after the first: which segment came before and where its chain ended.
    static func segmentStart(previousSegment: String, previousHead: AuditChain.Head) -> AuditRecord {
        AuditRecord(
            kind: .segmentStart,
            details: [
                ("previous_segment", .string(previousSegment)),
                ("previous_last_seq", .int(previousHead.seq)),
                ("previous_last_hash", .string(previousHead.hash)),
            ]
        )
    }

    /// A closed segment that retention deleted.
    static func segmentPruned(_ summary: AuditSegmentSummary) -> AuditRecord {
        AuditRecord(
            kind: .segmentPruned,
            details: [
                ("segment", .string(summary.name)),
                ("first_seq", .int(summary.firstSeq)),
                ("last_seq", .int(summary.last.head.seq)),
                ("last_hash", .string(summary.last.head.hash)),
            ]
        )
    }

    /// A torn tail cut off at open: what was cut, and the last record kept.
    static func repair(segment: String, truncatedBytes: Int, lastGoodSeq: Int64, reason: String?) -> AuditRecord {
        AuditRecord(
            kind: .repair,
            reason: reason,
            details: [
                ("segment", .string(segment)),
                ("truncated_bytes", .int(Int64(truncatedBytes))),
                ("last_good_seq", .int(lastGoodSeq)),
            ]
        )
    }

    /// The first record under a new key.
    static func anchor(previousKeyID: String, keyID: String) -> AuditRecord {
        AuditRecord(kind: .anchor, details: [("previous_key_id", .string(previousKeyID)), ("key_id", .string(keyID))])
    }
}

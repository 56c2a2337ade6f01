/// What the log finds in the segment it is about to continue: the longest prefix of whole, valid records, the last
/// of them, and why the bytes after it (if any) are not a record.
///
/// A line is valid when it ends in `\n`, parses, is canonical, has the next `seq` (the first one the seq in the
/// segment's name), links to the previous line's `hash` (the first line's `prev` is the previous segment's business
/// and the verifier's), has the `hash` of its content and, when it carries the configured key's id, a `mac` that
/// verifies. Records under another key id are checked up to their hash: the old key is not at hand.
struct AuditSegmentScan {
    /// The last valid record.
    struct Last {
        var head: AuditChain.Head
        var keyID: String
        var unixNanoseconds: Int64
    }

    /// Bytes of whole, valid records from the start of the segment.
    var validLength: Int
    /// The last valid record, when there is one.
    var last: Last?
    /// The `ts` of the first record, when there is one.
    var firstUnixNanoseconds: Int64?
    /// Why the bytes after ``validLength`` were not taken, when there are any.
    var damage: String?
    /// Whether a whole line from ``validLength`` on is, by itself, a sealed record: its hash matches its content and
    /// its MAC verifies (or it is under another key). A write torn by a crash cannot leave one; a record deleted,
    /// reordered or duplicated can, and then nothing is cut.
    var damagedTailHoldsRecords: Bool

    /// How much of the end of a large segment is checked record by record: 1 MiB.
    static let defaultWindow = 1 << 20

    /// Scans `bytes`, the content of the segment whose first record is `firstSeq`.
    ///
    /// A segment larger than `window` is checked from its first record (for its age) and then only over its last
    /// `window` bytes, starting at a record that is valid by itself: a torn write is at the end, and damage further
    /// back is for the verifier. Should that record not be valid, the whole segment is checked.
    init(bytes: [UInt8], firstSeq: Int64, key: AuditKey, window: Int = AuditSegmentScan.defaultWindow) {
        validLength = 0
        last = nil
        firstUnixNanoseconds = nil
        damage = nil
        damagedTailHoldsRecords = false
        var start = 0
        var nextSeq = firstSeq
        if bytes.count > window, let resume = Self.resumePoint(bytes, firstSeq: firstSeq, key: key, window: window) {
            start = resume.offset
            validLength = start
            nextSeq = resume.seq
            firstUnixNanoseconds = resume.firstUnixNanoseconds
        }
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                damage = "the last line has no newline"
                break
            }
            let expectedSeq = last.map { $0.head.seq + 1 } ?? nextSeq
            switch Self.check(bytes[start..<newline], seq: expectedSeq, prev: last?.head.hash, key: key) {
            case .failure(let reason):
                damage = "record \(expectedSeq) \(reason)"
            case .success(let record):
                last = record
                if firstUnixNanoseconds == nil { firstUnixNanoseconds = record.unixNanoseconds }
                start = newline + 1
                validLength = start
                continue
            }
            break
        }
        guard validLength < bytes.count else { return }
        var lineStart = validLength
        while let newline = bytes[lineStart...].firstIndex(of: 0x0A) {
            if Self.isSealedRecord(bytes[lineStart..<newline], key: key) {
                damagedTailHoldsRecords = true
                return
            }
            lineStart = newline + 1
        }
    }

    /// Where to start checking a large segment: the first whole line in its last `window` bytes, when it and the
    /// segment's first record are valid by themselves.
    private static func resumePoint(
        _ bytes: [UInt8],
        firstSeq: Int64,
        key: AuditKey,
        window: Int
    ) -> (offset: Int, seq: Int64, firstUnixNanoseconds: Int64)? {
        guard let firstEnd = bytes.firstIndex(of: 0x0A),
            case .success(let first) = check(bytes[..<firstEnd], seq: firstSeq, prev: nil, key: key),
            let cut = bytes[(bytes.count - window)...].firstIndex(of: 0x0A), cut > firstEnd,
            let lineEnd = bytes[(cut + 1)...].firstIndex(of: 0x0A),
            let json = try? AuditJSONParser.parse(bytes[(cut + 1)..<lineEnd]),
            let seq = json["seq"]?.intValue, seq > firstSeq,
            case .success = check(bytes[(cut + 1)..<lineEnd], seq: seq, prev: nil, key: key)
        else { return nil }
        return (cut + 1, seq, first.unixNanoseconds)
    }

    private struct Invalid: Error {
        var reason: String
    }

    private static func check(
        _ line: ArraySlice<UInt8>,
        seq: Int64,
        prev: String?,
        key: AuditKey
    ) -> Result<Last, Invalid> {
        let json: AuditJSON
        do {
            json = try AuditJSONParser.parse(line)
        } catch {
            return .failure(Invalid(reason: "does not parse (\(error))"))
        }
        guard json.canonical.elementsEqual(line) else { return .failure(Invalid(reason: "is not canonical JSON")) }
        guard json["seq"]?.intValue == seq else { return .failure(Invalid(reason: "has the wrong seq")) }
        if let prev, json["prev"]?.stringValue != prev {
            return .failure(Invalid(reason: "does not link to the previous hash"))
        }
        let hash = AuditChain.expectedHash(of: json)
        guard let recorded = json["hash"]?.stringValue, recorded == Hex.encode(hash) else {
            return .failure(Invalid(reason: "has a hash that does not verify"))
        }
        guard let keyID = json["key_id"]?.stringValue, let mac = json["mac"]?.stringValue else {
            return .failure(Invalid(reason: "has no key_id or mac"))
        }
        if keyID == key.id, !key.verifyMAC(mac, hash: hash) {
            return .failure(Invalid(reason: "has a mac that does not verify"))
        }
        guard let ts = json["ts"]?.stringValue, let nanoseconds = AuditTimestamp.parse(ts) else {
            return .failure(Invalid(reason: "has no valid ts"))
        }
        return .success(
            Last(head: AuditChain.Head(seq: seq, hash: recorded), keyID: keyID, unixNanoseconds: nanoseconds)
        )
    }

    /// Whether `line` parses, carries the hash of its own content, and has a MAC that verifies when it is under
    /// `key`.
    static func isSealedRecord(_ line: ArraySlice<UInt8>, key: AuditKey) -> Bool {
        guard let json = try? AuditJSONParser.parse(line), let recorded = json["hash"]?.stringValue,
            let keyID = json["key_id"]?.stringValue, let mac = json["mac"]?.stringValue
        else { return false }
        let hash = AuditChain.expectedHash(of: json)
        guard recorded == Hex.encode(hash) else { return false }
        return keyID != key.id || key.verifyMAC(mac, hash: hash)
    }

    /// Reads the last record of a segment from its last whole line, checked up to its hash (and its MAC when it is
    /// under `key`); `nil` when the line is missing or invalid.
    static func lastRecord(ofLine line: ArraySlice<UInt8>, key: AuditKey) -> Last? {
        guard let json = try? AuditJSONParser.parse(line), let seq = json["seq"]?.intValue else { return nil }
        guard case .success(let last) = check(line, seq: seq, prev: nil, key: key) else { return nil }
        return last
    }
}

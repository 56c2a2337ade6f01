import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// ``AuditVerifier``'s walk through one log: the state carried from record to record and segment to segment.
struct AuditChainWalk {
    /// The last segment checked completely.
    private struct SegmentEnd {
        var name: String
        var lastSeq: Int64
        var lastHash: String
    }

    /// A log that starts mid-chain: the `segment_pruned` record that must account for the missing segments.
    private struct Pruning {
        /// The first segment present, and its first seq.
        var firstSegment: String
        var firstSeq: Int64
        /// What the first `segment_start` says came before.
        var previousSegment: String
        var previousLastSeq: Int64
        var previousLastHash: String
        /// The seq of the `segment_pruned` record that names `previousSegment`, once seen.
        var accountedAt: Int64?
    }

    /// What the fast path decided about a line.
    private enum FastOutcome {
        /// The line needs the tree-based check (something is wrong with it, or it is a kind the walk inspects).
        case fallback
        /// The record is good; the problem, if any, is with a checkpoint that names it.
        case accepted(AuditProblem?)
    }

    private let keys: [String: AuditKey]
    /// The keys' MAC checkers, set up once for the walk.
    private let macVerifiers: [AuditMACVerifier]
    /// Whether the key of the same index in ``macVerifiers`` is already in `outcome.keyIDs`.
    private var macVerifierSeen: [Bool]
    private let checkpointFile: AuditCheckpointFile
    private let checkpointKey: Curve25519.Signing.PublicKey?

    /// Checkpoints whose signature is good (or unchecked), by `size`, until the walk reaches that record.
    private var pendingHeads: [Int64: [AuditCheckpointFile.Entry]] = [:]
    /// Problems with checkpoints that do not depend on the log (signature, format), in file order.
    private var checkpointProblems: [AuditProblem] = []

    private var outcome = AuditVerification()
    /// The last good record's `hash` as bytes, kept by the fast path without making a `String` per record. When
    /// ``headIsBytes``, it is newer than `outcome.headHash`: read the head through ``headHash``.
    private var headBytes = Array(AuditChain.genesis.utf8)
    private var headIsBytes = false
    private var previousSegment: SegmentEnd?
    private var started = false
    private var pruning: Pruning?
    /// Hashes known for records that are no longer in the log: `segment_pruned` records' `last_seq`/`last_hash`.
    private var prunedHeads: [Int64: String] = [0: AuditChain.genesis]
    private var extraNotes: [String] = []

    init(keys: [AuditKey], checkpointFile: AuditCheckpointFile, checkpointKey: Curve25519.Signing.PublicKey?) {
        var byID: [String: AuditKey] = [:]
        for key in keys { byID[key.id] = key }
        self.keys = byID
        self.macVerifiers = byID.values.map { $0.macVerifier() }
        self.macVerifierSeen = Array(repeating: false, count: macVerifiers.count)
        self.checkpointFile = checkpointFile
        self.checkpointKey = checkpointKey
        if let malformed = checkpointFile.malformed {
            checkpointProblems.append(
                AuditProblem(
                    seq: 0,
                    segment: checkpointFile.name,
                    line: malformed.line,
                    reason: .init(.checkpointMalformed, "the line is not a checkpoint: \(malformed.reason)")
                )
            )
        }
        let expectedKeyID = checkpointKey.map(AuditCheckpoint.keyID(of:))
        for entry in checkpointFile.entries {
            let checkpoint = entry.checkpoint
            if let checkpointKey, let expectedKeyID {
                if checkpoint.keyID != expectedKeyID {
                    checkpointProblems.append(
                        problem(
                            entry,
                            .checkpointSignature,
                            "tampered checkpoint: signed under key id \(checkpoint.keyID), not the checkpoint key's "
                                + expectedKeyID
                        )
                    )
                    continue
                }
                guard checkpoint.isSigned(by: checkpointKey) else {
                    checkpointProblems.append(
                        problem(entry, .checkpointSignature, "tampered checkpoint: its signature does not verify")
                    )
                    continue
                }
            }
            guard checkpoint.size >= 0 else {
                checkpointProblems.append(problem(entry, .checkpointMalformed, "the checkpoint's size is negative"))
                continue
            }
            pendingHeads[checkpoint.size, default: []].append(entry)
        }
        checkpointProblems.sort { $0.line < $1.line }
    }

    private func problem(
        _ entry: AuditCheckpointFile.Entry,
        _ code: AuditProblem.Code,
        _ text: String
    ) -> AuditProblem {
        AuditProblem(
            seq: entry.checkpoint.size,
            segment: checkpointFile.name,
            line: entry.line,
            reason: .init(code, text)
        )
    }

    // MARK: Segments

    /// Checks one segment file; returns the first problem in it.
    mutating func check(segment name: String, bytes: [UInt8], isLast: Bool) -> AuditProblem? {
        let nameSeq = AuditFiles.firstSeq(ofSegment: name) ?? 0
        let expected = started ? outcome.lastSeq + 1 : nameSeq
        if bytes.isEmpty {
            guard isLast, nameSeq == expected else {
                return AuditProblem(
                    seq: expected,
                    segment: name,
                    line: 1,
                    reason: .init(.emptySegment, "segment \(name) is empty; seq \(expected) was expected in it")
                )
            }
            extraNotes.append("the last segment, \(name), is empty (a rotation interrupted before its first record?)")
            outcome.segmentsChecked += 1
            return nil
        }
        var lineCount = 0
        var start = 0
        let lineProblem: AuditProblem? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            while start < buffer.count, let newline = memchr(base + start, 0x0A, buffer.count - start) {
                let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                let index = lineCount
                lineCount += 1
                defer { start = end + 1 }
                if index > 0,
                    case .accepted(let problem) = fastCheck(
                        start..<end,
                        of: buffer,
                        segment: name,
                        lineNumber: index + 1
                    )
                {
                    if let problem { return problem }
                    continue
                }
                if let problem = check(line: start..<end, index: index, bytes: bytes, segment: name, nameSeq: nameSeq) {
                    return problem
                }
            }
            return nil
        }
        if let lineProblem { return lineProblem }
        if start < bytes.count {
            let seq = started ? outcome.lastSeq + 1 : nameSeq
            let place = isLast ? "the log's last line" : "the last line of \(name), which is not the last segment,"
            return AuditProblem(
                seq: seq,
                segment: name,
                line: lineCount + 1,
                reason: .init(
                    .tornTail,
                    "torn or truncated tail: \(place) has no newline (\(bytes.count - start) bytes)"
                )
            )
        }
        previousSegment = SegmentEnd(name: name, lastSeq: outcome.lastSeq, lastHash: headHash)
        outcome.segmentsChecked += 1
        return nil
    }

    // MARK: Records

    private static let chainMembers: [(name: String, isInteger: Bool)] = [
        ("seq", true), ("ts", false), ("kind", false), ("key_id", false), ("prev", false), ("hash", false),
        ("mac", false),
    ]

    /// Kinds whose contents the walk inspects: always checked by the tree-based path.
    private static let inspectedKinds: [[UInt8]] = [
        AuditKind.segmentStart, AuditKind.segmentPruned, AuditKind.anchor, AuditKind.repair,
    ].map { Array($0.rawValue.utf8) }

    /// Checks a record that is not the first of its segment on the line's bytes alone: canonical form, chain
    /// members, `seq`, `ts`, `hash`, `prev`, key and MAC, as ``check(line:of:bytes:segment:nameSeq:)`` does.
    /// Anything unusual, good or bad, is left to that check (``FastOutcome/fallback``), so its problems and
    /// reports are the only ones.
    private mutating func fastCheck(
        _ range: Range<Int>,
        of buffer: UnsafeBufferPointer<UInt8>,
        segment: String,
        lineNumber: Int
    ) -> FastOutcome {
        let line = UnsafeBufferPointer(rebasing: buffer[range])
        guard started, let members = AuditLineScanner.scan(line), let seq = members.seq, seq == outcome.lastSeq + 1,
            let ts = members.ts, let kind = members.kind, let keyID = members.keyID, let prev = members.prev,
            let hash = members.hash, let mac = members.mac, hash.count == 64,
            let parts = members.hashInput(lineCount: line.count),
            AuditTimestamp.isWrittenForm(UnsafeBufferPointer(rebasing: line[ts])),
            !Self.inspectedKinds.contains(where: { Self.equal($0, line, kind) }),
            Self.equal(headBytes, line, prev),
            let verifierIndex = macVerifiers.firstIndex(where: { Self.equal($0.idBytes, line, keyID) })
        else { return .fallback }
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[parts.0])))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[parts.1])))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[parts.2])))
        let good = hasher.finalize().withUnsafeBytes { digest in
            Self.isLowercaseHex(of: digest, UnsafeBufferPointer(rebasing: line[hash]))
                && macVerifiers[verifierIndex].verify(mac: UnsafeBufferPointer(rebasing: line[mac]), hash: digest)
        }
        guard good else { return .fallback }
        outcome.recordsChecked += 1
        outcome.lastSeq = seq
        setHead(UnsafeBufferPointer(rebasing: line[hash]))
        if !macVerifierSeen[verifierIndex] {
            let id = macVerifiers[verifierIndex].id
            if !outcome.keyIDs.contains(id) { outcome.keyIDs.append(id) }
            macVerifierSeen[verifierIndex] = true
        }
        guard !pendingHeads.isEmpty, pendingHeads[seq] != nil else { return .accepted(nil) }
        let hashText = String(decoding: UnsafeBufferPointer(rebasing: line[hash]), as: UTF8.self)
        return .accepted(reachCheckpoints(seq: seq, hash: hashText, lineNumber: lineNumber, segment: segment))
    }

    /// Whether `bytes` are those of `line` in `range`.
    private static func equal(_ bytes: [UInt8], _ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard bytes.count == range.count else { return false }
        guard let base = line.baseAddress, !range.isEmpty else { return true }
        return bytes.withUnsafeBufferPointer { own in
            guard let start = own.baseAddress else { return false }
            return memcmp(start, base + range.lowerBound, range.count) == 0
        }
    }

    /// Makes `hash` (a good record's `hash`, from the fast path) the head.
    private mutating func setHead(_ hash: UnsafeBufferPointer<UInt8>) {
        headIsBytes = true
        guard headBytes.count == hash.count, let source = hash.baseAddress else {
            headBytes = Array(hash)
            return
        }
        headBytes.withUnsafeMutableBufferPointer { head in
            if let target = head.baseAddress { _ = memcpy(target, source, hash.count) }
        }
    }

    /// The last good record's `hash`.
    private var headHash: String {
        headIsBytes ? String(decoding: headBytes, as: UTF8.self) : outcome.headHash
    }

    /// The walk's result so far, with the head as a `String`.
    private var current: AuditVerification {
        var result = outcome
        result.headHash = headHash
        return result
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Whether `hex` is `bytes` in lowercase hex.
    private static func isLowercaseHex(of bytes: UnsafeRawBufferPointer, _ hex: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hex.count == 2 * bytes.count else { return false }
        let digits = hexDigits.utf8Start
        for offset in 0..<bytes.count {
            let byte = bytes[offset]
            guard hex[2 * offset] == digits[Int(byte >> 4)], hex[2 * offset + 1] == digits[Int(byte & 0x0F)] else {
                return false
            }
        }
        return true
    }

    private mutating func check(
        line range: Range<Int>,
        index: Int,
        bytes: [UInt8],
        segment: String,
        nameSeq: Int64
    ) -> AuditProblem? {
        let lineNumber = index + 1
        let expected = started ? outcome.lastSeq + 1 : nameSeq
        func fail(_ code: AuditProblem.Code, _ text: String, seq: Int64? = nil) -> AuditProblem {
            AuditProblem(seq: seq ?? expected, segment: segment, line: lineNumber, reason: .init(code, text))
        }
        let text = bytes[range]
        let json: AuditJSON
        do {
            json = try AuditJSONParser.parse(text)
        } catch {
            return fail(.malformed, "the line is not JSON: \(error)")
        }
        guard case .object = json else { return fail(.malformed, "the line is not a JSON object") }
        guard json.canonical.elementsEqual(text) else {
            return fail(.notCanonical, "the line is not in canonical form: its bytes were changed")
        }
        for member in Self.chainMembers {
            let present = member.isInteger ? json[member.name]?.intValue != nil : json[member.name]?.stringValue != nil
            guard present else {
                return fail(.malformed, "the member \"\(member.name)\" is missing or has the wrong type")
            }
        }
        guard let seq = json["seq"]?.intValue, let keyID = json["key_id"]?.stringValue,
            let prev = json["prev"]?.stringValue, let hash = json["hash"]?.stringValue,
            let mac = json["mac"]?.stringValue, let kind = json["kind"]?.stringValue
        else { return fail(.malformed, "a chain member is missing") }
        guard seq >= 1 else { return fail(.malformed, "seq \(seq) is not positive") }
        guard AuditTimestamp.parse(json["ts"]?.stringValue ?? "") != nil else {
            return fail(.malformed, "ts is not an RFC 3339 UTC timestamp")
        }

        // seq: exactly one more than the previous record.
        if seq > expected {
            if let later = Self.line(of: expected, after: range, number: lineNumber, bytes: bytes) {
                return fail(
                    .reordered,
                    "seq \(seq) is where seq \(expected) belongs, and seq \(expected) is at line \(later): lines "
                        + "were reordered"
                )
            }
            let count = seq - expected
            return fail(
                .missingRecord,
                "seq \(expected) is missing: the next record is seq \(seq) (\(count) line\(count == 1 ? "" : "s") "
                    + "deleted)"
            )
        }
        if seq < expected {
            if !started {
                return fail(
                    .segmentName,
                    "segment \(segment) is named for seq \(nameSeq), but its first record is seq \(seq)",
                    seq: seq
                )
            }
            if index == 0 {
                return fail(
                    .segmentReplayed,
                    "segment \(segment) begins with seq \(seq), but the log had already reached seq "
                        + "\(outcome.lastSeq): an old segment was copied in"
                )
            }
            return fail(
                .duplicateRecord,
                "seq \(seq) comes after seq \(outcome.lastSeq): a line was duplicated or replayed"
            )
        }
        if index == 0, nameSeq != seq {
            return fail(
                .segmentName,
                "segment \(segment) is named for seq \(nameSeq), but its first record is seq \(seq)"
            )
        }

        // Links: what `prev` must be, and the segment_start at the head of every segment after the first.
        var expectedPrev = headHash
        if index == 0 {
            let details = json["details"]
            let linkSegment = details?["previous_segment"]?.stringValue
            let linkSeq = details?["previous_last_seq"]?.intValue
            let linkHash = details?["previous_last_hash"]?.stringValue
            if let previous = previousSegment {
                guard kind == AuditKind.segmentStart.rawValue else {
                    return fail(
                        .segmentLink,
                        "segment \(segment) does not begin with a segment_start record (it begins with \(kind))"
                    )
                }
                guard linkSegment == previous.name, linkSeq == previous.lastSeq, linkHash == previous.lastHash else {
                    return fail(
                        .segmentLink,
                        "segment \(segment)'s segment_start names \(linkSegment ?? "nothing") ending at seq "
                            + "\(linkSeq.map(String.init) ?? "?") with hash \(Self.short(linkHash)), but the "
                            + "previous segment is \(previous.name) ending at seq \(previous.lastSeq) with hash "
                            + "\(Self.short(previous.lastHash)): a segment was spliced in"
                    )
                }
            } else if seq == 1 {
                expectedPrev = AuditChain.genesis
            } else {
                guard kind == AuditKind.segmentStart.rawValue, let linkSegment, let linkSeq, let linkHash,
                    linkSeq == seq - 1
                else {
                    return fail(
                        .startsMidChain,
                        "log starts mid-chain with no pruning record: it begins at seq \(seq) without a "
                            + "segment_start naming the segment before"
                    )
                }
                expectedPrev = linkHash
                pruning = Pruning(
                    firstSegment: segment,
                    firstSeq: seq,
                    previousSegment: linkSegment,
                    previousLastSeq: linkSeq,
                    previousLastHash: linkHash
                )
            }
        }

        // The record itself: hash, chain, key and MAC.
        let digest = AuditChain.expectedHash(of: json)
        guard Hex.encode(digest) == hash else {
            return fail(.hashMismatch, "the record's hash does not match its content: the record was changed")
        }
        guard prev == expectedPrev else {
            return fail(
                .prevMismatch,
                "prev is \(Self.short(prev)), but the previous record's hash is \(Self.short(expectedPrev)): the "
                    + "chain is broken"
            )
        }
        guard let key = keys[keyID] else {
            return fail(.unknownKey, "record signed under key id \(keyID), which was not given")
        }
        guard key.verifyMAC(mac, hash: digest) else {
            return fail(.macMismatch, "the MAC does not verify under key id \(keyID): the record was forged or changed")
        }

        accept(seq: seq, hash: hash, keyID: keyID, kind: kind, json: json)
        return reachCheckpoints(seq: seq, hash: hash, lineNumber: lineNumber, segment: segment)
    }

    /// Compares the checkpoints of size `seq` with the record just accepted.
    private mutating func reachCheckpoints(
        seq: Int64,
        hash: String,
        lineNumber: Int,
        segment: String
    ) -> AuditProblem? {
        guard !pendingHeads.isEmpty else { return nil }
        for entry in pendingHeads.removeValue(forKey: seq) ?? [] {
            guard entry.checkpoint.head == hash else {
                return AuditProblem(
                    seq: seq,
                    segment: checkpointFile.name,
                    line: entry.line,
                    reason: .init(
                        .checkpointHead,
                        "the checkpoint says record \(seq) has hash \(Self.short(entry.checkpoint.head)), but in the "
                            + "log (segment \(segment), line \(lineNumber)) it has \(Self.short(hash)): records were "
                            + "rewritten"
                    )
                )
            }
            outcome.checkpointsChecked += 1
        }
        return nil
    }

    private mutating func accept(seq: Int64, hash: String, keyID: String, kind: String, json: AuditJSON) {
        started = true
        outcome.recordsChecked += 1
        if outcome.firstSeq == nil { outcome.firstSeq = seq }
        outcome.lastSeq = seq
        outcome.headHash = hash
        headBytes = Array(hash.utf8)
        headIsBytes = false
        if !outcome.keyIDs.contains(keyID) { outcome.keyIDs.append(keyID) }
        guard kind == AuditKind.segmentPruned.rawValue, let details = json["details"],
            let prunedSegment = details["segment"]?.stringValue, let lastSeq = details["last_seq"]?.intValue,
            let lastHash = details["last_hash"]?.stringValue
        else { return }
        prunedHeads[lastSeq] = lastHash
        if var pending = pruning, pending.accountedAt == nil, pending.previousSegment == prunedSegment,
            pending.previousLastSeq == lastSeq, pending.previousLastHash == lastHash
        {
            pending.accountedAt = seq
            pruning = pending
        }
    }

    /// The line number of the record with `seq` among the lines (ending in a newline) after `line`, whose number
    /// is `number`, if there is one.
    private static func line(of seq: Int64, after line: Range<Int>, number: Int, bytes: [UInt8]) -> Int? {
        var later = number
        var start = line.upperBound + 1
        while start < bytes.count, let end = bytes[start...].firstIndex(of: 0x0A) {
            later += 1
            if let json = try? AuditJSONParser.parse(bytes[start..<end]), json["seq"]?.intValue == seq {
                return later
            }
            start = end + 1
        }
        return nil
    }

    private static func short(_ hash: String?) -> String {
        guard let hash else { return "nothing" }
        return hash.count > 16 ? String(hash.prefix(16)) + "…" : hash
    }

    // MARK: Results

    /// The result when the walk stopped at `problem`.
    func result(problem: AuditProblem) -> AuditVerification {
        var result = current
        result.firstProblem = problem
        result.notes = notes(uncheckable: 0)
        return result
    }

    /// The result after every segment was checked: pruning and the checkpoints the walk did not reach.
    func finish() -> AuditVerification {
        if let pruning, pruning.accountedAt == nil {
            return result(
                problem: AuditProblem(
                    seq: pruning.firstSeq,
                    segment: pruning.firstSegment,
                    line: 1,
                    reason: .init(
                        .startsMidChain,
                        "log starts mid-chain with no pruning record: it begins at seq \(pruning.firstSeq), and no "
                            + "segment_pruned record names \(pruning.previousSegment) ending at seq "
                            + "\(pruning.previousLastSeq)"
                    )
                )
            )
        }
        var problems = checkpointProblems
        var checked = outcome.checkpointsChecked
        var uncheckable = 0
        for (size, entries) in pendingHeads {
            for entry in entries {
                if size > outcome.lastSeq {
                    problems.append(
                        AuditProblem(
                            seq: outcome.lastSeq + 1,
                            segment: checkpointFile.name,
                            line: entry.line,
                            reason: .init(
                                .checkpointAhead,
                                "checkpoint ahead of the log: size \(size), log ends at \(outcome.lastSeq)"
                            )
                        )
                    )
                } else if let known = prunedHeads[size] {
                    guard entry.checkpoint.head == known else {
                        problems.append(
                            problem(
                                entry,
                                .checkpointHead,
                                "the checkpoint says record \(size) has hash \(Self.short(entry.checkpoint.head)), "
                                    + "but the segment_pruned record for it says \(Self.short(known))"
                            )
                        )
                        continue
                    }
                    checked += 1
                } else {
                    uncheckable += 1
                }
            }
        }
        var result = current
        result.checkpointsChecked = checked
        result.notes = notes(uncheckable: uncheckable)
        result.firstProblem = problems.min { $0.line < $1.line }
        return result
    }

    private func notes(uncheckable: Int) -> [String] {
        var notes: [String] = []
        if !started { notes.append("the log has no records") }
        if checkpointFile.entries.isEmpty && checkpointFile.malformed == nil {
            notes.append(
                "no checkpoints were given: records removed from the end of the log (whole lines) cannot be detected "
                    + "without them"
            )
        } else if checkpointKey == nil {
            notes.append("checkpoint signatures were not verified: no checkpoint public key was given")
        }
        if checkpointFile.tornTail {
            notes.append(
                "the last line of \(checkpointFile.name) has no newline (an interrupted checkpoint write) and was ignored"
            )
        }
        if let pruning, let at = pruning.accountedAt {
            notes.append(
                "the log starts at seq \(pruning.firstSeq): earlier segments were pruned (the segment_pruned record at "
                    + "seq \(at) names \(pruning.previousSegment))"
            )
        }
        if uncheckable > 0 {
            notes.append(
                "\(uncheckable) checkpoint\(uncheckable == 1 ? "" : "s") cover only pruned records and could not be "
                    + "compared"
            )
        }
        return notes + extraNotes
    }
}

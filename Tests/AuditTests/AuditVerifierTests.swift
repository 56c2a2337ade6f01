import Audit
import Crypto
import Foundation
import Testing

/// `AuditVerifier`: an intact log verifies, and every kind of tampering is found at the right seq, for the right
/// reason.
@Suite struct AuditVerifierTests {
    static let key = testAuditKey("k")
    static let otherKey = testAuditKey("o")

    static let first = AuditFiles.segmentName(firstSeq: 1)
    static let second = AuditFiles.segmentName(firstSeq: 6)
    static let third = AuditFiles.segmentName(firstSeq: 11)

    /// Three segments: seq 1–5, 6–10 and 11–15 (6 and 11 are `segment_start`), checkpoints at 5, 10 and 15.
    static func standardLog(in directory: String, key: AuditKey = key) throws -> AuditChainFixture {
        var log = AuditChainFixture(directory: directory, key: key)
        try log.appendReplays(5)
        try log.checkpoint()
        try log.rotate()
        try log.appendReplays(4, principal: "bob")
        try log.checkpoint()
        try log.rotate()
        try log.appendReplays(4)
        try log.checkpoint()
        return log
    }

    private func expectProblem(
        _ result: AuditVerification,
        _ code: AuditProblem.Code,
        seq: Int64,
        segment: String,
        line: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!result.intact, sourceLocation: sourceLocation)
        #expect(result.firstProblem?.reason.code == code, "\(result.report)", sourceLocation: sourceLocation)
        #expect(result.firstProblem?.seq == seq, "\(result.report)", sourceLocation: sourceLocation)
        #expect(result.firstProblem?.segment == segment, sourceLocation: sourceLocation)
        #expect(result.firstProblem?.line == line, sourceLocation: sourceLocation)
    }

    // MARK: Intact

    @Test func anIntactMultiSegmentLogVerifies() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            let result = try log.verify()
            #expect(result.intact, "\(result.report)")
            #expect(result.recordsChecked == 15)
            #expect(result.segmentsChecked == 3)
            #expect(result.firstSeq == 1)
            #expect(result.lastSeq == 15)
            #expect(result.headHash == log.head.hash)
            #expect(result.checkpointsChecked == 3)
            #expect(result.keyIDs == [Self.key.id])
            #expect(result.notes.isEmpty, "\(result.notes)")
            #expect(result.report.first == "intact: 15 records in 3 segments checked")
        }
    }

    @Test func withoutCheckpointsTheResultSaysWhatCannotBeDetected() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            let result = try log.verify(checkpoints: false)
            #expect(result.intact)
            #expect(result.checkpointsChecked == 0)
            #expect(result.notes.contains { $0.hasPrefix("no checkpoints were given") })
        }
    }

    @Test func anEmptyDirectoryIsAnEmptyLogAndAMissingOneIsAnIOError() throws {
        try withAuditDirectory { directory in
            let result = try AuditVerifier(keys: [Self.key]).verify(directory: directory)
            #expect(result.intact)
            #expect(result.lastSeq == 0)
            #expect(result.headHash == AuditChain.genesis)
            #expect(result.notes.contains("the log has no records"))
            #expect(throws: AuditFiles.IOError.self) {
                try AuditVerifier(keys: [Self.key]).verify(directory: directory + "/missing")
            }
        }
    }

    // MARK: Changed bytes

    @Test func aFlippedByteInAValueIsAHashMismatch() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try log.edit(Self.second, line: 3) { $0.replace("\"bob\"", with: "\"bop\"") }
            let result = try log.verify()
            expectProblem(result, .hashMismatch, seq: 8, segment: Self.second, line: 3)
            #expect(result.recordsChecked == 7)
            #expect(result.lastSeq == 7)
        }
    }

    @Test func aFlippedByteInTheMACIsAMACMismatch() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try log.edit(Self.first, line: 4) { $0.flipHexDigit(after: "\"mac\":\"") }
            expectProblem(try log.verify(), .macMismatch, seq: 4, segment: Self.first, line: 4)
        }
    }

    @Test func extraWhitespaceIsNotCanonical() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try log.edit(Self.first, line: 2) { $0.replace("\"kind\":", with: "\"kind\": ") }
            expectProblem(try log.verify(), .notCanonical, seq: 2, segment: Self.first, line: 2)
        }
    }

    @Test func aLineThatIsNotJSONIsMalformed() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try log.edit(Self.third, line: 2) { $0 = Array("garbage\n".utf8) }
            expectProblem(try log.verify(), .malformed, seq: 12, segment: Self.third, line: 2)
        }
    }

    // MARK: Removed, reordered and duplicated lines

    @Test func aDeletedLineIsAMissingSeq() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            var lines = try log.lines(Self.second)
            lines.remove(at: 2)
            try log.write(Self.second, lines: lines)
            let result = try log.verify()
            expectProblem(result, .missingRecord, seq: 8, segment: Self.second, line: 3)
            #expect(result.firstProblem?.reason.text.contains("1 line deleted") == true)
        }
    }

    @Test func aDeletedFirstLineOfASegmentIsAMissingSeq() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try log.write(Self.third, lines: Array(try log.lines(Self.third).dropFirst()))
            expectProblem(try log.verify(), .missingRecord, seq: 11, segment: Self.third, line: 1)
        }
    }

    @Test func aTailTruncatedMidLineIsTorn() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            var lines = try log.lines(Self.third)
            lines[lines.count - 1] = Array(lines[lines.count - 1].prefix(40))
            try log.write(Self.third, lines: lines)
            let result = try log.verify()
            expectProblem(result, .tornTail, seq: 15, segment: Self.third, line: 5)
            #expect(result.firstProblem?.reason.text.hasPrefix("torn or truncated tail") == true)
        }
    }

    @Test func wholeLinesRemovedFromTheEndAreCaughtByACheckpoint() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try log.write(Self.third, lines: Array(try log.lines(Self.third).dropLast(2)))
            let result = try log.verify()
            expectProblem(result, .checkpointAhead, seq: 14, segment: AuditFiles.checkpointsFileName, line: 3)
            #expect(result.firstProblem?.reason.text == "checkpoint ahead of the log: size 15, log ends at 13")
            #expect(result.recordsChecked == 13)
            #expect(result.checkpointsChecked == 2)
            let withoutCheckpoints = try log.verify(checkpoints: false)
            #expect(withoutCheckpoints.intact, "only checkpoints can see whole lines cut off the end")
        }
    }

    @Test func twoReorderedLinesAreFoundAtTheFirstOutOfPlaceSeq() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            var lines = try log.lines(Self.first)
            lines.swapAt(1, 2)
            try log.write(Self.first, lines: lines)
            let result = try log.verify()
            expectProblem(result, .reordered, seq: 2, segment: Self.first, line: 2)
            #expect(result.firstProblem?.reason.text.contains("line 3") == true)
        }
    }

    @Test func aDuplicatedLineIsFound() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            var lines = try log.lines(Self.first)
            lines.insert(lines[1], at: 2)
            try log.write(Self.first, lines: lines)
            expectProblem(try log.verify(), .duplicateRecord, seq: 3, segment: Self.first, line: 3)
        }
    }

    // MARK: Segments

    @Test func aSegmentSplicedInFromALogUnderAnotherKeyBreaksTheLink() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try withAuditDirectory { otherDirectory in
                let other = try Self.standardLog(in: otherDirectory, key: Self.otherKey)
                try Data(contentsOf: URL(fileURLWithPath: other.path(Self.second)))
                    .write(to: URL(fileURLWithPath: log.path(Self.second)))
            }
            let result = try log.verify(keys: [Self.key, Self.otherKey])
            expectProblem(result, .segmentLink, seq: 6, segment: Self.second, line: 1)
            #expect(result.firstProblem?.reason.text.hasSuffix("a segment was spliced in") == true)
        }
    }

    @Test func aSegmentSplicedInFromAnotherChainUnderTheSameKeyBreaksTheLink() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try withAuditDirectory { otherDirectory in
                var other = AuditChainFixture(directory: otherDirectory, key: Self.key)
                try other.appendReplays(5, principal: "mallory")
                try other.rotate()
                try other.appendReplays(4, principal: "mallory")
                try Data(contentsOf: URL(fileURLWithPath: other.path(Self.second)))
                    .write(to: URL(fileURLWithPath: log.path(Self.second)))
            }
            expectProblem(try log.verify(), .segmentLink, seq: 6, segment: Self.second, line: 1)
        }
    }

    @Test func aSegmentWithoutASegmentStartIsNotLinked() throws {
        try withAuditDirectory { directory in
            var log = AuditChainFixture(directory: directory, key: Self.key)
            try log.appendReplays(5)
            try log.rotate()
            try log.appendReplays(2)
            // Rebuild segment two from a chain that continues without a segment_start.
            var chain = AuditChain(key: Self.key, head: log.segmentEnds[Self.first] ?? .empty)
            try log.write(Self.second, lines: [chain.seal(AuditChainFixture.replay(6), unixNanoseconds: 1).line])
            expectProblem(try log.verify(checkpoints: false), .segmentLink, seq: 6, segment: Self.second, line: 1)
        }
    }

    @Test func theCurrentSegmentReplacedByAnEarlierCopyOfItselfIsCaughtByACheckpoint() throws {
        try withAuditDirectory { directory in
            var log = try Self.standardLog(in: directory)
            let earlier = try log.lines(Self.third)
            try log.appendReplays(3)
            try log.checkpoint()
            try log.write(Self.third, lines: earlier)
            let result = try log.verify()
            expectProblem(result, .checkpointAhead, seq: 16, segment: AuditFiles.checkpointsFileName, line: 4)
            #expect(result.firstProblem?.reason.text == "checkpoint ahead of the log: size 18, log ends at 15")
        }
    }

    @Test func aCopyOfAnOldSegmentAddedAsANewFileIsAReplay() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            let copy = AuditFiles.segmentName(firstSeq: 16)
            try Data(contentsOf: URL(fileURLWithPath: log.path(Self.second)))
                .write(to: URL(fileURLWithPath: log.path(copy)))
            let result = try log.verify()
            expectProblem(result, .segmentReplayed, seq: 16, segment: copy, line: 1)
            #expect(result.segmentsChecked == 3)
        }
    }

    @Test func aRenamedSegmentIsFound() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            let renamed = AuditFiles.segmentName(firstSeq: 12)
            try FileManager.default.moveItem(atPath: log.path(Self.third), toPath: log.path(renamed))
            expectProblem(try log.verify(), .segmentName, seq: 11, segment: renamed, line: 1)
        }
    }

    @Test func anEmptySegmentInTheMiddleIsAProblemButAnEmptyLastOneIsANote() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            let next = AuditFiles.segmentName(firstSeq: 16)
            try Data().write(to: URL(fileURLWithPath: log.path(next)))
            let tolerated = try log.verify()
            #expect(tolerated.intact, "\(tolerated.report)")
            #expect(tolerated.notes.contains { $0.contains("is empty") })
            try log.write(Self.second, lines: [])
            expectProblem(try log.verify(), .emptySegment, seq: 6, segment: Self.second, line: 1)
        }
    }

    // MARK: Keys

    @Test func theWrongKeyIsNamedByItsID() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            let result = try log.verify(keys: [Self.otherKey])
            expectProblem(result, .unknownKey, seq: 1, segment: Self.first, line: 1)
            #expect(
                result.firstProblem?.reason.text == "record signed under key id \(Self.key.id), which was not given"
            )
        }
    }

    @Test func keyRotationVerifiesWithBothKeysAndFailsWithOnlyTheNewOne() throws {
        try withAuditDirectory { directory in
            var log = AuditChainFixture(directory: directory, key: Self.key)
            try log.appendReplays(3)
            try log.checkpoint()
            try log.changeKey(to: Self.otherKey)
            try log.appendReplays(2)
            try log.rotate()
            try log.appendReplays(2)
            try log.checkpoint()
            let both = try log.verify(keys: [Self.otherKey, Self.key])
            #expect(both.intact, "\(both.report)")
            #expect(both.recordsChecked == 9)
            #expect(both.keyIDs == [Self.key.id, Self.otherKey.id])
            #expect(both.checkpointsChecked == 2)
            let onlyNew = try log.verify(keys: [Self.otherKey])
            expectProblem(onlyNew, .unknownKey, seq: 1, segment: Self.first, line: 1)
        }
    }

    // MARK: Checkpoints

    @Test func aCheckpointAheadOfTheLogIsFound() throws {
        try withAuditDirectory { directory in
            var log = try Self.standardLog(in: directory)
            try log.checkpoint(AuditChain.Head(seq: 20, hash: String(repeating: "ab", count: 32)))
            let result = try log.verify()
            expectProblem(result, .checkpointAhead, seq: 16, segment: AuditFiles.checkpointsFileName, line: 4)
            #expect(result.firstProblem?.reason.text == "checkpoint ahead of the log: size 20, log ends at 15")
        }
    }

    @Test func aCheckpointWithABadSignatureIsTampered() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try log.edit(AuditFiles.checkpointsFileName, line: 2) { $0.replace("\"size\":10", with: "\"size\":9") }
            let result = try log.verify()
            expectProblem(result, .checkpointSignature, seq: 9, segment: AuditFiles.checkpointsFileName, line: 2)
            #expect(result.firstProblem?.reason.text.hasPrefix("tampered checkpoint") == true)
        }
    }

    @Test func aCheckpointSignedByAnotherKeyIsTampered() throws {
        try withAuditDirectory { directory in
            var log = try Self.standardLog(in: directory)
            try log.checkpoint(signer: Curve25519.Signing.PrivateKey())
            let result = try log.verify()
            expectProblem(result, .checkpointSignature, seq: 15, segment: AuditFiles.checkpointsFileName, line: 4)
        }
    }

    @Test func aCheckpointOverADifferentHeadMeansRecordsWereRewritten() throws {
        try withAuditDirectory { directory in
            var log = try Self.standardLog(in: directory)
            try log.checkpoint(AuditChain.Head(seq: 7, hash: String(repeating: "cd", count: 32)))
            let result = try log.verify()
            expectProblem(result, .checkpointHead, seq: 7, segment: AuditFiles.checkpointsFileName, line: 4)
            #expect(result.recordsChecked == 7)
        }
    }

    @Test func aMalformedCheckpointLineIsAProblemAndATornOneANote() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            var lines = try log.lines(AuditFiles.checkpointsFileName)
            lines.append(Array("{\"size\":".utf8))
            try log.write(AuditFiles.checkpointsFileName, lines: lines)
            let torn = try log.verify()
            #expect(torn.intact, "\(torn.report)")
            #expect(torn.checkpointsChecked == 3)
            #expect(torn.notes.contains { $0.contains("interrupted checkpoint write") })
            lines[1] = Array("{}\n".utf8)
            try log.write(AuditFiles.checkpointsFileName, lines: lines)
            expectProblem(
                try log.verify(),
                .checkpointMalformed,
                seq: 0,
                segment: AuditFiles.checkpointsFileName,
                line: 2
            )
        }
    }

    @Test func withoutACheckpointKeySignaturesAreNotCheckedAndTheResultSaysSo() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            let verifier = AuditVerifier(
                keys: [Self.key],
                checkpointFile: try AuditCheckpointFile.read(log.checkpointsPath),
                checkpointKey: nil
            )
            let result = try verifier.verify(directory: directory)
            #expect(result.intact)
            #expect(result.checkpointsChecked == 3)
            #expect(result.notes.contains { $0.hasPrefix("checkpoint signatures were not verified") })
        }
    }

    // MARK: Pruning

    /// Four segments (1–5, 6–10, 11–15, 16–20); the first two are pruned, with records for them unless `record`
    /// is false.
    static func prunedLog(in directory: String, record: Bool) throws -> AuditChainFixture {
        var log = AuditChainFixture(directory: directory, key: key)
        try log.appendReplays(5)
        try log.checkpoint()
        for _ in 0..<3 {
            try log.rotate()
            try log.appendReplays(4)
        }
        try log.prune(2, record: record)
        try log.checkpoint()
        return log
    }

    @Test func aPrunedLogWithItsSegmentPrunedRecordsVerifies() throws {
        try withAuditDirectory { directory in
            let log = try Self.prunedLog(in: directory, record: true)
            let result = try log.verify()
            #expect(result.intact, "\(result.report)")
            #expect(result.firstSeq == 11)
            #expect(result.lastSeq == 22)
            #expect(result.segmentsChecked == 2)
            #expect(result.checkpointsChecked == 2, "the checkpoint at 5 is checked against segment_pruned")
            #expect(result.notes.contains { $0.hasPrefix("the log starts at seq 11") })
        }
    }

    @Test func aLogStartingMidChainWithoutAPruningRecordFails() throws {
        try withAuditDirectory { directory in
            let log = try Self.prunedLog(in: directory, record: false)
            let result = try log.verify()
            expectProblem(result, .startsMidChain, seq: 11, segment: Self.third, line: 1)
            #expect(result.firstProblem?.reason.text.hasPrefix("log starts mid-chain with no pruning record") == true)
        }
    }

    @Test func aLogWhoseFirstSegmentWasDeletedWithoutARecordFails() throws {
        try withAuditDirectory { directory in
            let log = try Self.standardLog(in: directory)
            try FileManager.default.removeItem(atPath: log.path(Self.first))
            expectProblem(try log.verify(), .startsMidChain, seq: 6, segment: Self.second, line: 1)
        }
    }
}

import Audit
import Foundation
import Testing

/// The writer and the verifier against each other: logs written by the real ``AuditLog`` verify intact with
/// ``AuditVerifier`` in every situation the writer produces (group commit, rotation by size and age, retention,
/// repair of a torn tail, a key change, a crash between a rotation's steps, a full disk, a failed write), tampering
/// with such a log is found at the right seq, and ``AuditReader`` reads it across rotations.
@Suite struct AuditWriterVerifierTests {
    // MARK: Helpers

    /// A replay record from the pipeline: principal and run vary so that the reader's filters have something to pick.
    private static func replay(_ index: Int, principal: String = "alice") -> AuditRecord {
        AuditRecord(
            kind: .replay,
            stage: "received",
            door: "socket",
            actor: .init(kind: "uds", principal: principal, auth: "unix_peer", uid: 1000),
            requestID: "req-\(index)",
            runID: "run-\(index % 3)",
            decision: "accepted"
        )
    }

    /// Verifies the fixture's log with `keys`, its checkpoints file (unless `checkpoints` is false) and the signer's
    /// public key, as `replayd audit verify` would.
    private static func verify(
        _ fixture: AuditLogFixture,
        keys: [AuditKey] = [AuditLogFixture.key],
        checkpoints: Bool = true
    ) throws -> AuditVerification {
        let path = fixture.path(AuditFiles.checkpointsFileName)
        let file =
            checkpoints && FileManager.default.fileExists(atPath: path)
            ? try AuditCheckpointFile.read(path) : AuditCheckpointFile(checkpoints: [])
        let verifier = AuditVerifier(keys: keys, checkpointFile: file, checkpointKey: AuditLogFixture.signer.publicKey)
        return try verifier.verify(directory: fixture.directory)
    }

    /// Checks that `result` is intact and covers exactly what is on disk: every record of every segment, gapless,
    /// up to the last one's hash, and every checkpoint compared, except those over pruned records that no
    /// `segment_pruned` record in the log gives the hash for (which a note counts).
    private static func expectIntact(
        _ result: AuditVerification,
        _ fixture: AuditLogFixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(result.intact, "\(result.report)", sourceLocation: sourceLocation)
        let records = try fixture.segments().filter { try !fixture.bytes($0).isEmpty }.flatMap {
            try fixture.records($0)
        }
        let seqs = records.compactMap { $0["seq"]?.intValue }
        #expect(result.recordsChecked == records.count, sourceLocation: sourceLocation)
        #expect(result.segmentsChecked == (try fixture.segments().count), sourceLocation: sourceLocation)
        #expect(result.firstSeq == seqs.first, sourceLocation: sourceLocation)
        #expect(result.lastSeq == seqs.last ?? 0, sourceLocation: sourceLocation)
        if let first = seqs.first {
            #expect(seqs == Array(first..<(first + Int64(seqs.count))), "gapless", sourceLocation: sourceLocation)
        }
        #expect(
            result.headHash == records.last?["hash"]?.stringValue ?? AuditChain.genesis,
            sourceLocation: sourceLocation
        )
        let prunedEnds = Set(
            records.filter { $0["kind"] == .string("segment_pruned") }.compactMap {
                $0["details"]?["last_seq"]?.intValue
            }
        )
        let firstSeq = seqs.first ?? 1
        let checkpoints = try fixture.checkpoints()
        let uncheckable = checkpoints.filter { $0.size > 0 && $0.size < firstSeq && !prunedEnds.contains($0.size) }
        #expect(
            result.checkpointsChecked == checkpoints.count - uncheckable.count,
            "\(result.report)",
            sourceLocation: sourceLocation
        )
        #expect(
            result.notes.contains { $0.hasPrefix("\(uncheckable.count) checkpoint") } == !uncheckable.isEmpty,
            "\(result.notes)",
            sourceLocation: sourceLocation
        )
    }

    /// Checks that `result` reports `code` at `seq`, in `segment` at `line`.
    private static func expectProblem(
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
        #expect(result.firstProblem?.segment == segment, "\(result.report)", sourceLocation: sourceLocation)
        #expect(result.firstProblem?.line == line, "\(result.report)", sourceLocation: sourceLocation)
    }

    /// Records one at a time until the log has `count` segments; returns the next index.
    @discardableResult
    private static func recordUntil(
        segments count: Int,
        _ log: AuditLog,
        _ fixture: AuditLogFixture,
        from start: Int = 0
    ) async throws -> Int {
        var index = start
        while try fixture.segments().count < count {
            try await log.record(replay(index, principal: index.isMultiple(of: 2) ? "alice" : "bob"))
            index += 1
            guard index < start + 1000 else {
                Issue.record("no rotation after 1000 records")
                return index
            }
        }
        return index
    }

    /// Replaces a file in the log directory with `lines`, each followed by its newline.
    private static func write(_ fixture: AuditLogFixture, _ name: String, lines: [[UInt8]]) throws {
        try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: fixture.path(name)))
    }

    /// The seq of every record in segment `name`.
    private static func seqs(_ fixture: AuditLogFixture, _ name: String) throws -> [Int64] {
        try fixture.records(name).compactMap { $0["seq"]?.intValue }
    }

    /// The kind of every record in segment `name`.
    private static func kinds(_ fixture: AuditLogFixture, _ name: String) throws -> [String] {
        try fixture.records(name).compactMap { $0["kind"]?.stringValue }
    }

    // MARK: 1. Group commit and checkpoints

    @Test func concurrentGroupCommitsWithCheckpointsEveryNRecordsVerify() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.groupCommitMaxRecords = 16
            configuration.checkpointEveryRecords = 25
            let log = fixture.open(configuration)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<400 {
                    group.addTask {
                        do {
                            try await log.record(Self.replay(index))
                        } catch {
                            Issue.record("record \(index): \(error)")
                        }
                    }
                }
            }
            await log.close()

            #expect(try fixture.segments() == [AuditFiles.segmentName(firstSeq: 1)])
            let checkpoints = try fixture.checkpoints()
            #expect(checkpoints.count >= 10, "one after every 25 records, give or take a batch")
            #expect(checkpoints.last?.size == 400)
            let result = try Self.verify(fixture)
            try Self.expectIntact(result, fixture)
            #expect(result.recordsChecked == 400)
            #expect(result.keyIDs == [AuditLogFixture.key.id])
            #expect(result.notes.isEmpty, "\(result.notes)")
        }
    }

    // MARK: 2. Rotation

    @Test func sizeRotationUnderConcurrentLoadVerifies() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            configuration.groupCommitMaxRecords = 8
            configuration.checkpointEveryRecords = 0
            let log = fixture.open(configuration)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<120 {
                    group.addTask {
                        do {
                            try await log.record(Self.replay(index))
                        } catch {
                            Issue.record("record \(index): \(error)")
                        }
                    }
                }
            }
            #expect(log.statistics.rotations >= 4)
            await log.close()

            let segments = try fixture.segments()
            #expect(segments.count >= 5)
            for segment in segments.dropFirst() {
                #expect(try Self.kinds(fixture, segment).first == "segment_start")
            }
            let result = try Self.verify(fixture)
            try Self.expectIntact(result, fixture)
            #expect(result.checkpointsChecked == segments.count, "one per rotation and one at close")
        }
    }

    @Test func ageRotationBeforeAWriteAndInAMaintenancePassVerifies() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentAge = .seconds(3600)
            let log = fixture.open(configuration)
            try await log.record(Self.replay(0))
            fixture.clock.advance(by: .seconds(1800))
            try await log.record(Self.replay(1))
            fixture.clock.advance(by: .seconds(1800))
            try await log.record(Self.replay(2))  // rotates before it is written
            fixture.clock.advance(by: .seconds(3600))
            await log.maintain()  // rotates: the new segment holds only its segment_start
            #expect(try fixture.segments().count == 3)
            let result = try Self.verify(fixture)
            try Self.expectIntact(result, fixture)
            fixture.clock.advance(by: .seconds(3600))
            await log.maintain()  // a segment of one segment_start is old too
            try await log.record(Self.replay(3))
            await log.close()

            let segments = try fixture.segments()
            #expect(segments.count == 4)
            #expect(try Self.kinds(fixture, segments[2]) == ["segment_start"])
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }

    // MARK: 3. Retention

    @Test func retentionPruningVerifies() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 4000
            configuration.retention = .seconds(3600)
            configuration.checkpointEveryRecords = 3
            let log = fixture.open(configuration)
            let next = try await Self.recordUntil(segments: 4, log, fixture)
            let before = try fixture.segments()
            let prunedEnds = Set(try before.dropLast().compactMap { try Self.seqs(fixture, $0).last })

            fixture.clock.advance(by: .seconds(7200))
            await log.maintain()
            #expect(try fixture.segments() == [before[3]])
            #expect(log.statistics.prunedSegments == 3)
            for index in next..<(next + 3) { try await log.record(Self.replay(index)) }
            await log.close()

            let firstSeq = try #require(try Self.seqs(fixture, before[3]).first)
            let inside = try fixture.checkpoints().filter { $0.size < firstSeq && !prunedEnds.contains($0.size) }
            #expect(!inside.isEmpty, "checkpoints every 3 records fall inside the pruned segments")
            let result = try Self.verify(fixture)
            try Self.expectIntact(result, fixture)
            #expect(result.firstSeq == firstSeq)
            #expect(result.notes.contains { $0.hasPrefix("the log starts at seq \(firstSeq)") }, "\(result.notes)")
            #expect(result.notes.contains { $0.contains("cover only pruned records") }, "\(result.notes)")
        }
    }

    @Test func retentionInTwoPassesVerifies() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            configuration.retention = .seconds(3600)
            let log = fixture.open(configuration)
            var next = try await Self.recordUntil(segments: 3, log, fixture)
            fixture.clock.advance(by: .seconds(1800))
            next = try await Self.recordUntil(segments: 5, log, fixture, from: next)
            fixture.clock.advance(by: .seconds(2000))
            await log.maintain()
            #expect(log.statistics.prunedSegments == 2, "the first two are old enough, the next ones not yet")
            try Self.expectIntact(try Self.verify(fixture), fixture)

            next = try await Self.recordUntil(segments: 5, log, fixture, from: next)
            fixture.clock.advance(by: .seconds(4000))
            await log.maintain()
            #expect(log.statistics.prunedSegments > 2)
            try await log.record(Self.replay(next))
            await log.close()
            let result = try Self.verify(fixture)
            try Self.expectIntact(result, fixture)
            #expect(result.notes.contains { $0.hasPrefix("the log starts at seq") })
            // The first pass's segment_pruned records were in a segment the second pass deleted: the checkpoints at
            // the end of the first two segments have nothing left to be compared with.
            #expect(
                result.notes.contains { $0.hasPrefix("2 checkpoints cover only pruned records") },
                "\(result.notes)"
            )
        }
    }

    @Test func aPruningPassWhoseRecordsCannotBeWrittenLeavesALogThatVerifiesAfterARestart() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            configuration.retention = .seconds(3600)
            let log = fixture.open(configuration)
            try await Self.recordUntil(segments: 3, log, fixture)
            let before = try fixture.segments()
            let current = before[2]
            try fixture.redirectToDevFull(current)
            fixture.clock.advance(by: .seconds(7200))
            await log.maintain()  // the segment_pruned records cannot be written
            #expect(!log.status.writable)
            #expect(try fixture.segments() == before, "nothing is deleted without its record")
            try Self.expectIntact(try Self.verify(fixture), fixture)
            await log.close()  // and the daemon stops before a maintenance pass reopens the log
            try Self.expectIntact(try Self.verify(fixture), fixture)

            let reopened = fixture.open(configuration)
            #expect(reopened.status.writable)
            await reopened.maintain()
            try await reopened.record(Self.replay(1000))
            await reopened.close()
            #expect(try fixture.segments().first == current, "pruned once the records could be written")
            let result = try Self.verify(fixture)
            try Self.expectIntact(result, fixture)
            #expect(result.notes.contains { $0.hasPrefix("the log starts at seq") })
        }
    }

    @Test func aPruningPassInterruptedBetweenItsDeletionsVerifiesAndFinishesLater() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            configuration.retention = .seconds(3600)
            let log = fixture.open(configuration)
            try await Self.recordUntil(segments: 4, log, fixture)
            let before = try fixture.segments()
            let kept = try before[1...2].map { ($0, try fixture.bytes($0)) }
            fixture.clock.advance(by: .seconds(7200))
            await log.maintain()
            await log.close()
            // As if the pass had stopped after deleting the first segment: the second and third are still there.
            for (name, bytes) in kept { try Data(bytes).write(to: URL(fileURLWithPath: fixture.path(name))) }
            try Self.expectIntact(try Self.verify(fixture), fixture)

            let reopened = fixture.open(configuration)
            await reopened.maintain()
            await reopened.close()
            #expect(try fixture.segments() == [before[3]])
            let namings = try fixture.allRecords().filter { $0["details"]?["segment"] == .string(before[1]) }
            #expect(namings.map { $0["kind"] } == [.string("segment_pruned"), .string("segment_pruned")])
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }

    // MARK: 4. Repair

    @Test func aTornTailIsReportedUntilTheReopenRepairsIt() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            let log = fixture.open(configuration)
            let next = try await Self.recordUntil(segments: 2, log, fixture)
            for index in next..<(next + 2) { try await log.record(Self.replay(index)) }
            await log.close()
            let segment = try #require(try fixture.segments().last)
            let lastSeq = try #require(try Self.seqs(fixture, segment).last)
            let lineCount = try fixture.lines(segment).count
            let half = try #require(try fixture.lines(segment).last).prefix(100)
            try fixture.append(Array(half), to: segment)

            Self.expectProblem(
                try Self.verify(fixture),
                .tornTail,
                seq: lastSeq + 1,
                segment: segment,
                line: lineCount + 1
            )

            let reopened = fixture.open(configuration)
            #expect(reopened.statistics.repairs == 1)
            try await reopened.record(Self.replay(next + 2))
            await reopened.close()
            let kinds = try fixture.allRecords().compactMap { $0["kind"]?.stringValue }
            #expect(
                kinds.suffix(2) == ["repair", "replay"] || kinds.suffix(3) == ["repair", "segment_start", "replay"]
            )
            #expect(try Self.kinds(fixture, segment).last == "repair")
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }

    // MARK: 5. Key changes

    @Test func aKeyChangeVerifiesWithBothKeysAndNotWithOnlyOne() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            let log = fixture.open(configuration)
            let next = try await Self.recordUntil(segments: 2, log, fixture)
            await log.close()
            let oldHead = try #require(try fixture.allRecords().last?["seq"]?.intValue)
            let segmentAtChange = try #require(try fixture.segments().last)
            let anchorLine = try fixture.lines(segmentAtChange).count + 1

            var newConfiguration = configuration
            newConfiguration.key = AuditLogFixture.otherKey
            let reopened = fixture.open(newConfiguration)
            try await Self.recordUntil(segments: 3, reopened, fixture, from: next)
            await reopened.close()
            let anchor = try fixture.records(segmentAtChange)[anchorLine - 1]
            #expect(anchor["kind"] == .string("anchor"))
            #expect(anchor["seq"] == .int(oldHead + 1))

            let both = try Self.verify(fixture, keys: [AuditLogFixture.otherKey, AuditLogFixture.key])
            try Self.expectIntact(both, fixture)
            #expect(both.keyIDs == [AuditLogFixture.key.id, AuditLogFixture.otherKey.id])

            let onlyNew = try Self.verify(fixture, keys: [AuditLogFixture.otherKey])
            Self.expectProblem(onlyNew, .unknownKey, seq: 1, segment: AuditFiles.segmentName(firstSeq: 1), line: 1)
            #expect(
                onlyNew.firstProblem?.reason.text
                    == "record signed under key id \(AuditLogFixture.key.id), which was not given"
            )
            let onlyOld = try Self.verify(fixture, keys: [AuditLogFixture.key])
            Self.expectProblem(onlyOld, .unknownKey, seq: oldHead + 1, segment: segmentAtChange, line: anchorLine)
            #expect(onlyOld.firstProblem?.reason.text.contains(AuditLogFixture.otherKey.id) == true)
        }
    }

    // MARK: 6. A crash between a rotation's steps

    @Test func anEmptyNewestSegmentIsANoteAndGetsItsSegmentStartAtTheReopen() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            for index in 0..<3 { try await log.record(Self.replay(index)) }
            await log.close()
            // A crash after the next segment was created, before its first record.
            let next = AuditFiles.segmentName(firstSeq: 4)
            #expect(FileManager.default.createFile(atPath: fixture.path(next), contents: Data()))
            let before = try Self.verify(fixture)
            #expect(before.intact, "\(before.report)")
            #expect(before.notes.contains { $0.contains("\(next), is empty") }, "\(before.notes)")

            let reopened = fixture.open()
            try await reopened.record(Self.replay(3))
            await reopened.close()
            #expect(try Self.kinds(fixture, next) == ["segment_start", "replay"])
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }

    @Test func aTornFirstRecordOfANewSegmentUnderANewKeyVerifiesAfterTheReopen() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            for index in 0..<3 { try await log.record(Self.replay(index)) }
            await log.close()
            // A crash in the middle of the next segment's first record; the daemon restarts with a new key.
            let next = AuditFiles.segmentName(firstSeq: 4)
            #expect(FileManager.default.createFile(atPath: fixture.path(next), contents: Data("{\"det".utf8)))
            Self.expectProblem(try Self.verify(fixture), .tornTail, seq: 4, segment: next, line: 1)

            let reopened = fixture.open(fixture.configuration(key: AuditLogFixture.otherKey))
            #expect(reopened.status.writable)
            try await reopened.record(Self.replay(3))
            await reopened.close()
            // The segment_start must come first in its segment, so it is the first record under the new key.
            #expect(try Self.kinds(fixture, next) == ["segment_start", "anchor", "repair", "replay"])
            let records = try fixture.records(next)
            #expect(records.allSatisfy { $0["key_id"] == .string(AuditLogFixture.otherKey.id) })
            #expect(records[1]["details"]?["previous_key_id"] == .string(AuditLogFixture.key.id))
            #expect(records[2]["details"]?["last_good_seq"] == .int(3), "the torn bytes came after seq 3")

            let both = try Self.verify(fixture, keys: [AuditLogFixture.key, AuditLogFixture.otherKey])
            try Self.expectIntact(both, fixture)
            let onlyNew = try Self.verify(fixture, keys: [AuditLogFixture.otherKey])
            Self.expectProblem(onlyNew, .unknownKey, seq: 1, segment: AuditFiles.segmentName(firstSeq: 1), line: 1)
            let onlyOld = try Self.verify(fixture, keys: [AuditLogFixture.key])
            Self.expectProblem(onlyOld, .unknownKey, seq: 4, segment: next, line: 1)
        }
    }

    // MARK: 7. A full disk and a failed write

    @Test func aDiskFullEpisodeLeavesAnIntactGaplessLog() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.checkpointEveryRecords = 2
            let log = fixture.open(configuration)
            for index in 0..<3 { try await log.record(Self.replay(index)) }
            fixture.disk.set(999)
            for index in 3..<6 {
                let error = await #expect(throws: AuditError.self) { try await log.record(Self.replay(index)) }
                #expect(error?.code == .diskFull)
            }
            await log.maintain()
            try Self.expectIntact(try Self.verify(fixture), fixture)
            fixture.disk.set(1 << 30)
            await log.maintain()
            for index in 6..<9 { try await log.record(Self.replay(index)) }
            await log.close()

            let ids = try fixture.allRecords().compactMap { $0["request_id"]?.stringValue }
            #expect(ids == ["req-0", "req-1", "req-2", "req-6", "req-7", "req-8"])
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }

    @Test func aFailedWriteEpisodeLeavesAnIntactGaplessLog() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            let log = fixture.open(configuration)
            let next = try await Self.recordUntil(segments: 2, log, fixture)
            try fixture.redirectToDevFull(try #require(try fixture.segments().last))
            let error = await #expect(throws: AuditError.self) { try await log.record(Self.replay(next)) }
            #expect(error?.code == .io)
            try Self.expectIntact(try Self.verify(fixture), fixture)

            await log.maintain()
            #expect(log.status.writable)
            try await Self.recordUntil(segments: 3, log, fixture, from: next + 1)
            await log.close()
            let ids = try fixture.allRecords().compactMap { $0["request_id"]?.stringValue }
            #expect(!ids.contains("req-\(next)"), "the failed record is not in the log")
            #expect(ids.contains("req-\(next + 1)"))
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }

    // MARK: 8. Tampering with a real log

    /// A closed log of three or more segments, with a checkpoint every 5 records, at least 3 lines in the last
    /// segment; returns its segments.
    private static func writtenLog(_ fixture: AuditLogFixture) async throws -> [String] {
        var configuration = fixture.configuration()
        configuration.maxSegmentBytes = 2000
        configuration.checkpointEveryRecords = 5
        let log = fixture.open(configuration)
        var next = try await recordUntil(segments: 3, log, fixture)
        while try fixture.lines(try #require(try fixture.segments().last)).count < 3 {
            try await log.record(replay(next))
            next += 1
        }
        await log.close()
        let segments = try fixture.segments()
        try expectIntact(try verify(fixture), fixture)
        return segments
    }

    @Test func aFlippedByteIsAHashMismatchAtItsSeq() async throws {
        try await AuditLogFixture.with { fixture in
            let segments = try await Self.writtenLog(fixture)
            var lines = try fixture.lines(segments[1])
            lines[2].replace("\"req-", with: "\"rex-")
            try Self.write(fixture, segments[1], lines: lines)
            let seq = try #require(AuditFiles.firstSeq(ofSegment: segments[1])) + 2
            Self.expectProblem(try Self.verify(fixture), .hashMismatch, seq: seq, segment: segments[1], line: 3)
        }
    }

    @Test func aDeletedLineIsAMissingRecordAtItsSeq() async throws {
        try await AuditLogFixture.with { fixture in
            let segments = try await Self.writtenLog(fixture)
            var lines = try fixture.lines(segments[1])
            lines.remove(at: 2)
            try Self.write(fixture, segments[1], lines: lines)
            let seq = try #require(AuditFiles.firstSeq(ofSegment: segments[1])) + 2
            Self.expectProblem(try Self.verify(fixture), .missingRecord, seq: seq, segment: segments[1], line: 3)
        }
    }

    @Test func twoSwappedLinesAreReorderedAtTheFirstOutOfPlaceSeq() async throws {
        try await AuditLogFixture.with { fixture in
            let segments = try await Self.writtenLog(fixture)
            var lines = try fixture.lines(segments[0])
            lines.swapAt(1, 2)
            try Self.write(fixture, segments[0], lines: lines)
            Self.expectProblem(try Self.verify(fixture), .reordered, seq: 2, segment: segments[0], line: 2)
        }
    }

    @Test func linesCutOffTheEndAreCaughtByTheCheckpoints() async throws {
        try await AuditLogFixture.with { fixture in
            let segments = try await Self.writtenLog(fixture)
            let last = segments[segments.count - 1]
            let lastSeq = try #require(try Self.seqs(fixture, last).last)
            try Self.write(fixture, last, lines: Array(try fixture.lines(last).dropLast(2)))
            let checkpointLine = try #require(try fixture.checkpoints().firstIndex { $0.size > lastSeq - 2 }) + 1
            let result = try Self.verify(fixture)
            Self.expectProblem(
                result,
                .checkpointAhead,
                seq: lastSeq - 1,
                segment: AuditFiles.checkpointsFileName,
                line: checkpointLine
            )
            #expect(result.recordsChecked == Int(lastSeq) - 2)
            #expect(try Self.verify(fixture, checkpoints: false).intact, "only checkpoints see whole lines cut")
        }
    }

    @Test func theFirstSegmentDeletedByHandStartsMidChain() async throws {
        try await AuditLogFixture.with { fixture in
            let segments = try await Self.writtenLog(fixture)
            try FileManager.default.removeItem(atPath: fixture.path(segments[0]))
            let seq = try #require(AuditFiles.firstSeq(ofSegment: segments[1]))
            Self.expectProblem(try Self.verify(fixture), .startsMidChain, seq: seq, segment: segments[1], line: 1)
        }
    }

    @Test func anEditedLastRecordThatTheReopenCutsIsStillCaughtByItsCheckpoint() async throws {
        try await AuditLogFixture.with { fixture in
            let segments = try await Self.writtenLog(fixture)
            let last = segments[segments.count - 1]
            let lastSeq = try #require(try Self.seqs(fixture, last).last)
            let checkpointLine = try #require(try fixture.checkpoints().firstIndex { $0.size == lastSeq }) + 1
            var lines = try fixture.lines(last)
            lines[lines.count - 1].replace("\"req-", with: "\"rex-")
            try Self.write(fixture, last, lines: lines)
            Self.expectProblem(try Self.verify(fixture), .hashMismatch, seq: lastSeq, segment: last, line: lines.count)

            // The writer cannot tell the edited line from a torn write: it cuts it and seals a repair in its place.
            let reopened = fixture.open()
            #expect(reopened.statistics.repairs == 1)
            await reopened.close()
            let repair = try #require(try fixture.records(last).last)
            #expect(repair["kind"] == .string("repair"))
            #expect(repair["seq"] == .int(lastSeq))
            Self.expectProblem(
                try Self.verify(fixture),
                .checkpointHead,
                seq: lastSeq,
                segment: AuditFiles.checkpointsFileName,
                line: checkpointLine
            )
        }
    }

    // MARK: An empty log

    @Test func anEmptyLogWithACheckpointOfNothingVerifies() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            try await log.checkpointNow()
            await log.close()
            #expect(try fixture.checkpoints().map(\.size) == [0])
            let result = try Self.verify(fixture)
            try Self.expectIntact(result, fixture)
            #expect(result.notes.contains("the log has no records"))
            #expect(result.notes.contains { $0.contains("is empty") })

            let reopened = fixture.open()
            try await reopened.record(Self.replay(0))
            await reopened.close()
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }

    // MARK: The reader

    @Test func theReaderFollowsARealLogAcrossRotationsWithFilters() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            let log = fixture.open(configuration)
            var follower = AuditReader(directory: fixture.directory)
            var followed: [AuditEntry] = []
            var next = 0
            for segments in 2...4 {
                next = try await Self.recordUntil(segments: segments, log, fixture, from: next)
                fixture.clock.advance(by: .seconds(60))
                while case let batch = try follower.poll(), !batch.isEmpty { followed += batch }
            }
            await log.close()
            while case let batch = try follower.poll(), !batch.isEmpty { followed += batch }

            let records = try fixture.allRecords()
            let segments = try fixture.segments()
            #expect(followed.map(\.seq) == records.compactMap { $0["seq"]?.intValue })
            #expect(followed.map(\.record) == records)
            #expect(Set(followed.map(\.segment)) == Set(segments))
            #expect(follower.position.segment == segments.last)

            func read(_ filter: AuditTailFilter) throws -> [Int64] {
                var reader = AuditReader(directory: fixture.directory, filter: filter)
                var seqs: [Int64] = []
                while case let batch = try reader.poll(), !batch.isEmpty { seqs += batch.map(\.seq) }
                return seqs
            }
            func expected(_ keep: (AuditJSON) -> Bool) -> [Int64] {
                records.filter(keep).compactMap { $0["seq"]?.intValue }
            }
            let bob = try read(AuditTailFilter(principal: "bob"))
            #expect(!bob.isEmpty)
            #expect(bob == expected { $0["actor"]?["principal"] == .string("bob") })
            #expect(try read(AuditTailFilter(runID: "run-1")) == expected { $0["run_id"] == .string("run-1") })
            let since = try #require(records[records.count / 2]["ts"]?.stringValue.flatMap(AuditTimestamp.parse))
            let recent = try read(AuditTailFilter(principal: "alice", since: since))
            #expect(!recent.isEmpty)
            #expect(
                recent
                    == expected {
                        $0["actor"]?["principal"] == .string("alice")
                            && ($0["ts"]?.stringValue.flatMap(AuditTimestamp.parse) ?? 0) >= since
                    }
            )
            try Self.expectIntact(try Self.verify(fixture), fixture)
        }
    }
}

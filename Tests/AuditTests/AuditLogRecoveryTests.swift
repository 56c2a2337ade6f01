import Audit
import Foundation
import Testing

/// Opening what a crash, a new key or an intruder left behind.
@Suite struct AuditLogRecoveryTests {
    private static let segment = AuditFiles.segmentName(firstSeq: 1)

    /// Writes three records and closes the log.
    private static func threeRecords(_ fixture: AuditLogFixture) async throws {
        let log = fixture.open()
        for index in 0..<3 { try await log.record(AuditLogFixture.record(index)) }
        await log.close()
    }

    /// Reopens after `damage` was appended (or done) and checks the repair: the file is cut back to the last good
    /// record, a `repair` record says how much was cut, and the chain continues.
    private static func expectRepair(
        _ fixture: AuditLogFixture,
        truncated: Int,
        lastGoodSeq: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let log = fixture.open()
        #expect(log.status.writable, sourceLocation: sourceLocation)
        #expect(log.statistics.repairs == 1, sourceLocation: sourceLocation)
        try await log.record(AuditLogFixture.record(99))
        await log.close()
        let lines = try fixture.lines(segment)
        try AuditLogFixture.expectChained(lines, sourceLocation: sourceLocation)
        #expect(lines.count == Int(lastGoodSeq) + 2, sourceLocation: sourceLocation)
        let repair = try AuditJSONParser.parse(lines[Int(lastGoodSeq)])
        #expect(repair["kind"] == .string("repair"), sourceLocation: sourceLocation)
        #expect(repair["seq"] == .int(lastGoodSeq + 1), sourceLocation: sourceLocation)
        #expect(repair["details"]?["segment"] == .string(segment), sourceLocation: sourceLocation)
        #expect(repair["details"]?["truncated_bytes"] == .int(Int64(truncated)), sourceLocation: sourceLocation)
        #expect(repair["details"]?["last_good_seq"] == .int(lastGoodSeq), sourceLocation: sourceLocation)
        let last = try AuditJSONParser.parse(lines[lines.count - 1])
        #expect(last["request_id"] == .string("req-99"), sourceLocation: sourceLocation)
    }

    @Test func aHalfWrittenLineIsCutAndRepaired() async throws {
        try await AuditLogFixture.with { fixture in
            try await Self.threeRecords(fixture)
            let lastLine = try #require(try fixture.lines(Self.segment).last)
            try fixture.append(Array(lastLine.prefix(lastLine.count / 2)), to: Self.segment)
            try await Self.expectRepair(fixture, truncated: lastLine.count / 2, lastGoodSeq: 3)
        }
    }

    @Test func garbageAtTheEndIsCutAndRepaired() async throws {
        try await AuditLogFixture.with { fixture in
            try await Self.threeRecords(fixture)
            let garbage: [UInt8] = [0, 0, 0, 0xFF] + Array("not json\n{\"seq\":".utf8)
            try fixture.append(garbage, to: Self.segment)
            try await Self.expectRepair(fixture, truncated: garbage.count, lastGoodSeq: 3)
        }
    }

    @Test func aLastLineWhoseMACDoesNotVerifyIsCut() async throws {
        try await AuditLogFixture.with { fixture in
            try await Self.threeRecords(fixture)
            var bytes = try fixture.bytes(Self.segment)
            let lines = try fixture.lines(Self.segment)
            // Flip the first hex digit of the last record's mac.
            let marker = Array(#""mac":""#.utf8)
            let lastStart = bytes.count - lines[2].count - 1
            let offset = try #require(
                (lastStart..<bytes.count).first { Array(bytes[$0..<min($0 + marker.count, bytes.count)]) == marker }
            )
            let index = offset + marker.count
            bytes[index] = bytes[index] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            try Data(bytes).write(to: URL(fileURLWithPath: fixture.path(Self.segment)))
            try await Self.expectRepair(fixture, truncated: lines[2].count + 1, lastGoodSeq: 2)
        }
    }

    @Test func damageFollowedBySealedRecordsIsNotCut() async throws {
        try await AuditLogFixture.with { fixture in
            try await Self.threeRecords(fixture)
            let before = try fixture.bytes(Self.segment)
            let lines = try fixture.lines(Self.segment)
            // Delete record 2: record 3 no longer links, but it is still a sealed record.
            let edited = Array((lines[0] + [0x0A] + lines[2] + [0x0A]))
            try Data(edited).write(to: URL(fileURLWithPath: fixture.path(Self.segment)))
            let log = fixture.open()
            #expect(!log.status.writable)
            #expect(log.status.degradedReason?.contains("audit verify") == true)
            let error = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(9)) }
            #expect(error?.code == .degraded)
            await log.close()
            #expect(try fixture.bytes(Self.segment) == edited, "nothing was cut")
            #expect(before.count > edited.count)
        }
    }

    @Test func aLargeSegmentIsRepairedFromItsTailAndKeepsItsAge() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentAge = .seconds(3600)
            let log = fixture.open(configuration)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<4000 {
                    group.addTask { try? await log.record(AuditLogFixture.record(index)) }
                }
            }
            await log.close()
            let size = try fixture.bytes(Self.segment).count
            #expect(size > 1 << 20, "larger than the window checked record by record")

            fixture.clock.advance(by: .seconds(1800))
            let torn = Array("{\"actor\":".utf8)
            try fixture.append(torn, to: Self.segment)
            let reopened = fixture.open(configuration)
            #expect(reopened.statistics.repairs == 1)
            #expect(reopened.status.head.seq == 4001)
            fixture.clock.advance(by: .seconds(1801))
            await reopened.maintain()
            #expect(try fixture.segments().count == 2, "the age counts from the segment's first record")
            await reopened.close()
            let lines = try fixture.segments().flatMap { try fixture.lines($0) }
            try AuditLogFixture.expectChained(lines)
            let repair = try AuditJSONParser.parse(lines[4000])
            #expect(repair["kind"] == .string("repair"))
            #expect(repair["details"]?["truncated_bytes"] == .int(Int64(torn.count)))
        }
    }

    @Test func aNewKeyStartsWithAnAnchor() async throws {
        try await AuditLogFixture.with { fixture in
            try await Self.threeRecords(fixture)
            let log = fixture.open(fixture.configuration(key: AuditLogFixture.otherKey))
            try await log.record(AuditLogFixture.record(3))
            await log.close()
            let lines = try fixture.lines(Self.segment)
            #expect(lines.count == 5)
            try AuditLogFixture.expectChained(lines)
            let anchor = try AuditJSONParser.parse(lines[3])
            #expect(anchor["kind"] == .string("anchor"))
            #expect(anchor["key_id"] == .string(AuditLogFixture.otherKey.id))
            #expect(anchor["details"]?["previous_key_id"] == .string(AuditLogFixture.key.id))
            #expect(anchor["details"]?["key_id"] == .string(AuditLogFixture.otherKey.id))
            #expect(try AuditJSONParser.parse(lines[4])["key_id"] == .string(AuditLogFixture.otherKey.id))

            let same = fixture.open(fixture.configuration(key: AuditLogFixture.otherKey))
            await same.close()
            #expect(try fixture.lines(Self.segment).count == 5, "no second anchor under the same key")
        }
    }

    @Test func aTornFirstRecordOfASegmentGetsItsSegmentStartBack() async throws {
        try await AuditLogFixture.with { fixture in
            try await Self.threeRecords(fixture)
            // As if a crash came after the next segment was created, in the middle of its first record.
            let next = AuditFiles.segmentName(firstSeq: 4)
            #expect(FileManager.default.createFile(atPath: fixture.path(next), contents: Data("{\"det".utf8)))
            let log = fixture.open()
            #expect(log.status.writable)
            #expect(log.status.segment == next)
            await log.close()
            let records = try fixture.records(next)
            #expect(records.map { $0["kind"] } == [.string("segment_start"), .string("repair")])
            #expect(records[0]["details"]?["previous_segment"] == .string(Self.segment))
            #expect(records[1]["details"]?["truncated_bytes"] == .int(5))
            try AuditLogFixture.expectChained(try fixture.segments().flatMap { try fixture.lines($0) })
        }
    }
}

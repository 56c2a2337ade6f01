import Audit
import Foundation
import Testing

/// Closing segments by size and age, and deleting them by retention.
@Suite struct AuditLogRotationTests {
    /// Records one at a time until the log has `count` segments; returns how many records that took.
    @discardableResult
    private static func recordUntil(
        segments count: Int,
        _ log: AuditLog,
        _ fixture: AuditLogFixture
    ) async throws
        -> Int
    {
        var written = 0
        while try fixture.segments().count < count {
            try await log.record(AuditLogFixture.record(written))
            written += 1
            guard written < 1000 else {
                Issue.record("no rotation after 1000 records")
                return written
            }
        }
        return written
    }

    /// Checks that `segment` starts with a `segment_start` linking to the end of `previous`.
    private static func expectLinked(
        _ segment: String,
        to previous: String,
        _ fixture: AuditLogFixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let last = try #require(try fixture.records(previous).last, sourceLocation: sourceLocation)
        let first = try #require(try fixture.records(segment).first, sourceLocation: sourceLocation)
        let lastSeq = try #require(last["seq"]?.intValue, sourceLocation: sourceLocation)
        #expect(segment == AuditFiles.segmentName(firstSeq: lastSeq + 1), sourceLocation: sourceLocation)
        #expect(first["kind"] == .string("segment_start"), sourceLocation: sourceLocation)
        #expect(first["details"]?["previous_segment"] == .string(previous), sourceLocation: sourceLocation)
        #expect(first["details"]?["previous_last_seq"] == last["seq"], sourceLocation: sourceLocation)
        #expect(first["details"]?["previous_last_hash"] == last["hash"], sourceLocation: sourceLocation)
        #expect(first["prev"] == last["hash"], sourceLocation: sourceLocation)
    }

    @Test func sizeRotationLinksSegmentsAndCheckpoints() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 2000
            let log = fixture.open(configuration)
            try await Self.recordUntil(segments: 2, log, fixture)
            #expect(log.statistics.rotations == 1)
            await log.close()

            let segments = try fixture.segments()
            #expect(segments.count == 2)
            let firstSize = try fixture.bytes(segments[0]).count
            #expect(firstSize <= 2000)
            try Self.expectLinked(segments[1], to: segments[0], fixture)
            #expect(try fixture.mode(segments[0]) == 0o440, "the closed segment is read-only")
            #expect(try fixture.mode(segments[1]) == 0o640)
            #expect(try fixture.mode(AuditFiles.checkpointsFileName) == 0o640)
            let lastOfFirst = try #require(try fixture.records(segments[0]).last)
            let rotationCheckpoint = try #require(try fixture.checkpoints().first)
            #expect(.int(rotationCheckpoint.size) == lastOfFirst["seq"])
            #expect(.string(rotationCheckpoint.head) == lastOfFirst["hash"])
            #expect(rotationCheckpoint.isSigned(by: AuditLogFixture.signer.publicKey))
            try AuditLogFixture.expectChained(try segments.flatMap { try fixture.lines($0) })
        }
    }

    @Test func ageRotationBeforeAWriteAndInAMaintenancePass() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentAge = .seconds(3600)
            let log = fixture.open(configuration)
            try await log.record(AuditLogFixture.record(0))
            fixture.clock.advance(by: .seconds(1800))
            try await log.record(AuditLogFixture.record(1))
            #expect(try fixture.segments().count == 1, "not old yet")

            fixture.clock.advance(by: .seconds(1800))
            try await log.record(AuditLogFixture.record(2))
            var segments = try fixture.segments()
            #expect(segments == [AuditFiles.segmentName(firstSeq: 1), AuditFiles.segmentName(firstSeq: 3)])
            #expect(
                try fixture.records(segments[1]).map { $0["kind"] } == [.string("segment_start"), .string("replay")]
            )

            await log.maintain()
            #expect(try fixture.segments().count == 2, "the new segment is young")
            fixture.clock.advance(by: .seconds(3600))
            await log.maintain()
            segments = try fixture.segments()
            #expect(segments.count == 3)
            #expect(log.status.segment == segments[2])
            #expect(try fixture.records(segments[2]).map { $0["kind"] } == [.string("segment_start")])
            try Self.expectLinked(segments[2], to: segments[1], fixture)
            #expect(try fixture.checkpoints().map(\.size) == [2, 4])
            await log.close()
            try AuditLogFixture.expectChained(try segments.flatMap { try fixture.lines($0) })
        }
    }

    @Test func retentionPrunesOldClosedSegmentsButNeverTheCurrentOne() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.maxSegmentBytes = 1500
            configuration.retention = .seconds(3600)
            let log = fixture.open(configuration)
            try await Self.recordUntil(segments: 3, log, fixture)
            let before = try fixture.segments()
            let pruned = try before.prefix(2).map { name in
                (
                    name: name, first: try #require(try fixture.records(name).first),
                    last: try #require(try fixture.records(name).last)
                )
            }

            await log.maintain()
            #expect(try fixture.segments() == before, "nothing is old yet")
            fixture.clock.advance(by: .seconds(7200))
            await log.maintain()
            #expect(try fixture.segments() == [before[2]], "the current segment stays, old as it is")
            #expect(log.statistics.prunedSegments == 2)
            await log.maintain()
            #expect(log.statistics.prunedSegments == 2)
            await log.close()

            let records = try fixture.records(before[2])
            let notes = records.filter { $0["kind"] == .string("segment_pruned") }
            #expect(notes.count == 2)
            for (note, segment) in zip(notes, pruned) {
                #expect(note["details"]?["segment"] == .string(segment.name))
                #expect(note["details"]?["first_seq"] == segment.first["seq"])
                #expect(note["details"]?["last_seq"] == segment.last["seq"])
                #expect(note["details"]?["last_hash"] == segment.last["hash"])
            }
            let firstSeq = try #require(records.first?["seq"]?.intValue)
            let previousHash = try #require(pruned[1].last["hash"]?.stringValue)
            try AuditLogFixture.expectChained(
                try fixture.lines(before[2]),
                from: AuditChain.Head(seq: firstSeq - 1, hash: previousHash)
            )
        }
    }
}

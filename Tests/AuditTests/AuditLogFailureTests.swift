import Audit
import AuditTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A write that fails under the log: the batch fails with `.io`, nothing of it stays, the log is degraded until a
/// maintenance pass reopens it (once a probe write shows the disk takes writes again), and `seq` has no gap. A disk
/// without room for the reserve refuses new work and keeps the work under way.
@Suite struct AuditLogFailureTests {
    @Test func aFailedWriteDegradesUntilReopenedAndLeavesNoGap() async throws {
        try await AuditLogFixture.with { fixture in
            let segment = AuditFiles.segmentName(firstSeq: 1)
            let log = fixture.open()
            try await log.record(AuditLogFixture.record(0))
            try fixture.redirectToDevFull(segment)

            let error = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(1)) }
            #expect(error?.code == .io)
            #expect(!log.status.writable)
            #expect(log.status.degradedReason?.contains("No space left on device") == true)
            #expect(log.status.head.seq == 1, "the failed batch did not move the head")
            let fast = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(2)) }
            #expect(fast?.code == .degraded)

            await log.maintain()
            #expect(log.status.writable)
            try await log.record(AuditLogFixture.record(3))
            await log.close()
            let lines = try fixture.lines(segment)
            try AuditLogFixture.expectChained(lines)
            #expect(
                try lines.map { try AuditJSONParser.parse($0)["request_id"] } == [.string("req-0"), .string("req-3")]
            )
        }
    }

    @Test func afterAFailedWriteAReopenWaitsUntilAProbeWriteSucceeds() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            try await log.record(AuditLogFixture.record(0))
            fixture.writeFaults.set(ENOSPC)
            let error = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(1)) }
            #expect(error?.code == .io)

            // Reopening an existing segment needs no space: on a full disk it would work, and the log would look
            // healthy while it cannot write. The probe keeps it degraded, and says why.
            await log.maintain()
            #expect(!log.status.writable)
            #expect(log.status.degradedReason?.contains("No space left on device") == true)
            let refused = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(2)) }
            #expect(refused?.code == .degraded)

            fixture.writeFaults.set(nil)
            await log.maintain()
            #expect(log.status.writable)
            try await log.record(AuditLogFixture.record(3))
            await log.close()
            let lines = try fixture.lines(AuditFiles.segmentName(firstSeq: 1))
            try AuditLogFixture.expectChained(lines)
            #expect(
                try lines.map { try AuditJSONParser.parse($0)["request_id"] } == [.string("req-0"), .string("req-3")]
            )
            #expect(!FileManager.default.fileExists(atPath: fixture.path(".write-probe")), "the probe is removed")
        }
    }

    @Test func withoutRoomForTheReserveNewWorkIsRefusedAndWorkUnderWayIsRecorded() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            try await log.recordOpening(AuditLogFixture.record(0))
            fixture.disk.set(4096)

            let refused = await #expect(throws: AuditError.self) {
                try await log.recordOpening(AuditLogFixture.record(1))
            }
            #expect(refused?.code == .diskFull)
            #expect(!log.status.writable, "status says the log is failing")
            #expect(log.status.degradedReason?.contains("new replays need") == true)
            try await log.record(AuditLogFixture.record(2))

            fixture.disk.set(1 << 40)
            await log.maintain()
            #expect(log.status.writable)
            try await log.recordOpening(AuditLogFixture.record(3))
            await log.close()
            let records = try fixture.records(AuditFiles.segmentName(firstSeq: 1))
            #expect(
                records.compactMap { $0["request_id"] } == [.string("req-0"), .string("req-2"), .string("req-3")]
            )
        }
    }
}

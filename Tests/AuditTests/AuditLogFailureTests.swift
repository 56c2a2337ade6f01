import Audit
import Foundation
import Testing

/// A write that fails under the log: the batch fails with `.io`, nothing of it stays, the log is degraded until a
/// maintenance pass reopens it, and `seq` has no gap.
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
}

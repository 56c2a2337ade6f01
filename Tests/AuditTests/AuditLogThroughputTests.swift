import Audit
import Foundation
import Testing

/// Throughput on the real clock and disk, for a person to read: `AUDIT_THROUGHPUT=1 swift test --filter
/// AuditLogThroughputTests`. It prints records per second and asserts nothing about time.
@Suite struct AuditLogThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["AUDIT_THROUGHPUT"] != nil))
    func tenThousandConcurrentRecords() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.groupCommitWait = .milliseconds(2)
            configuration.minFreeBytes = AuditLogConfiguration.defaultMinFreeBytes
            let log = AuditLog(configuration: configuration, logger: AuditLogFixture.logger)
            let count = 10_000
            let start = ContinuousClock.now
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask { try? await log.record(AuditLogFixture.record(index)) }
                }
            }
            let elapsed = start.duration(to: .now)
            let statistics = log.statistics
            await log.close()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "audit log: \(count) concurrent records in \(seconds) s = \(Int(Double(count) / seconds)) records/s, "
                    + "\(statistics.batches) group commits, \(statistics.segmentSyncs) fdatasyncs"
            )
            #expect(statistics.records == Int64(count))
        }
    }
}

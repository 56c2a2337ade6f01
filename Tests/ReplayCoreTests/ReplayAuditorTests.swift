import Audit
import AuditTestSupport
import Foundation
import Logging
import ReplayCore
import Testing

/// The auditor on a real audit log in a temp directory: denial floods aggregate, lifecycle records land.
@Suite struct ReplayAuditorTests {
    private static func records(_ trail: TestAuditTrail) throws -> [AuditJSON] {
        let names = try FileManager.default.contentsOfDirectory(atPath: trail.directory).filter {
            $0.hasPrefix("audit-")
        }
        return try names.sorted().flatMap { name in
            try String(contentsOfFile: trail.directory + "/" + name, encoding: .utf8).split(separator: "\n").map {
                try AuditJSONParser.parse(Array($0.utf8))
            }
        }
    }

    private static func withTrail(_ body: (TestAuditTrail, ManualReplayClock) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "replayd-auditor-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "auditor-test")
        logger.logLevel = .critical
        let clock = ManualReplayClock()
        let trail = TestAuditTrail(directory: directory, clock: clock, logger: logger)
        try await body(trail, clock)
        await trail.log.close()
    }

    @Test func aFloodOfDenialsFromOneSourceIsOneRecordPlusOneCountPerInterval() async throws {
        try await Self.withTrail { trail, clock in
            let peer = ReplayAuditor.actor(PeerCredentials(uid: 4242, gid: 4242, pid: 7))
            for index in 0..<500 {
                await trail.auditor.denied(
                    door: "socket",
                    source: "uid:4242",
                    actor: peer,
                    requestID: "rq_\(index)",
                    runID: nil,
                    reason: "unknown_peer: uid 4242 is not mapped"
                )
            }
            // Another source is recorded on its own.
            await trail.auditor.denied(
                door: "socket",
                source: "uid:7",
                actor: nil,
                requestID: "rq_other",
                runID: nil,
                reason: "unknown_peer: uid 7 is not mapped"
            )
            var records = try Self.records(trail)
            #expect(records.count == 2, "one full record per source, the rest only counted so far")
            #expect(records.allSatisfy { $0["kind"] == .string("denial") })

            clock.advance(by: .seconds(61))
            await trail.auditor.flushDenials()
            records = try Self.records(trail)
            let aggregated = records.filter { $0["kind"] == .string("denials_aggregated") }
            #expect(aggregated.count == 1)
            #expect(aggregated.first?["count"] == .int(499))
            #expect(aggregated.first?["source"] == .string("uid:4242"))

            // The next interval starts with a full record again.
            await trail.auditor.denied(
                door: "socket",
                source: "uid:4242",
                actor: peer,
                requestID: "rq_late",
                runID: nil,
                reason: "unknown_peer: uid 4242 is not mapped"
            )
            records = try Self.records(trail)
            #expect(records.last?["kind"] == .string("denial"))
            #expect(records.last?["request_id"] == .string("rq_late"))
        }
    }

    @Test func countsStillOwedAtShutdownAreWrittenByAForcedFlush() async throws {
        try await Self.withTrail { trail, _ in
            for _ in 0..<3 {
                await trail.auditor.denied(
                    door: "socket",
                    source: "uid:1",
                    actor: nil,
                    requestID: nil,
                    runID: nil,
                    reason: "bad_request"
                )
            }
            await trail.auditor.flushDenials(force: true)
            await trail.auditor.lifecycle("stop")
            let records = try Self.records(trail)
            #expect(
                records.map { $0["kind"] } == [.string("denial"), .string("denials_aggregated"), .string("lifecycle")]
            )
            #expect(records[1]["count"] == .int(2))
        }
    }
}

import AuditTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The dry-run route on the real socket door: it answers what the real call answers, here when the audit log
/// cannot be written, and sends nothing.
@Suite struct DryRunRouteTests {
    @Test func aDryRunOnAFullAuditDiskSaysTheCallGets503AndSendsNothing() async throws {
        let faults = SwitchableAuditWriteFaults()
        let harness = try SocketDoorHarness(auditWriteFaults: faults)
        defer { harness.cleanUp() }
        await harness.start()
        faults.set(ENOSPC)
        let refused = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r1/replay")
        #expect(refused.status == 503)
        #expect(refused.errorCode == "audit_unavailable")

        let explained = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/r1/replay?dry_run=true"
        )
        #expect(explained.status == 200)
        let verdict = try #require(explained.json?["verdict"] as? [String: Any])
        #expect((verdict["status"] as? NSNumber)?.intValue == 503)
        #expect(verdict["code"] as? String == "audit_unavailable")
        #expect(verdict["stage"] as? String == "audit")
        #expect(verdict["sends_upstream"] as? Bool == false)

        let again = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r1/replay")
        #expect(again.status == (verdict["status"] as? NSNumber)?.intValue)
        #expect(again.errorCode == verdict["code"] as? String)
        #expect(harness.upstreamURLs.isEmpty, "nothing was sent upstream")

        let malformed = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/r1/replay?as=bob"
        )
        #expect(malformed.status == 400)
        try await harness.stop()
    }
}

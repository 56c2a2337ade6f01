import AuditTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A disk that stops taking audit writes (an injected `ENOSPC` under the real audit log, so it runs wherever a
/// file system cannot be mounted and filled): replays fail closed at once with 503 `audit_unavailable` and nothing
/// upstream, status says the log is failing, and a maintenance pass does not call it healthy until writes work.
@Suite(.timeLimit(.minutes(5))) struct AuditWriteFailureRouteTests {
    @Test func aFailingAuditDiskRefusesReplaysAtOnceSendsNothingAndStatusSaysSo() async throws {
        let faults = SwitchableAuditWriteFaults()
        let harness = try SocketDoorHarness(auditWriteFaults: faults)
        defer { harness.cleanUp() }
        await harness.start()
        faults.set(ENOSPC)

        // The harness's wait clock never moves: a replay that waited for anything would never be answered.
        let refused = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r1/replay")
        #expect(refused.status == 503)
        #expect(refused.errorCode == "audit_unavailable")
        #expect(harness.upstreamURLs.isEmpty, "nothing was sent upstream")
        try await expectAuditFailing(harness)

        // A maintenance pass reopens the log from disk; that works on a full disk too, so it must not make the
        // log look healthy while writes still fail.
        await harness.audit.log.maintain()
        try await expectAuditFailing(harness)
        let again = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r2/replay")
        #expect(again.status == 503)
        #expect(again.errorCode == "audit_unavailable")
        #expect(harness.upstreamURLs.isEmpty, "nothing was sent upstream")

        // Space comes back: the next pass reopens the log, and replays go through.
        faults.set(nil)
        await harness.audit.log.maintain()
        #expect(harness.audit.log.status.writable)
        let accepted = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r3/replay")
        #expect(accepted.status == 201)
        #expect(harness.upstreamURLs.count == 1)
        try await harness.stop()
    }

    /// The request's audit record and its claim are written at the same time. When the audit record fails, the
    /// claim is released: the key is not left taken, and the same request succeeds once the log works again.
    @Test func aRefusedRequestLeavesItsKeyFree() async throws {
        let faults = SwitchableAuditWriteFaults()
        let harness = try SocketDoorHarness(auditWriteFaults: faults)
        defer { harness.cleanUp() }
        await harness.start()
        faults.set(ENOSPC)
        let headers = ["Idempotency-Key": "released-1"]
        let refused = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/r1/replay",
            headers: headers
        )
        #expect(refused.status == 503)
        #expect(refused.errorCode == "audit_unavailable")
        let lookup = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/replays/released-1")
        #expect(lookup.status == 404, "the refused request left no record")

        faults.set(nil)
        await harness.audit.log.maintain()
        let accepted = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/r1/replay",
            headers: headers
        )
        #expect(accepted.status == 201)
        #expect(accepted.headers["idempotent-replayed"] == nil, "a new replay, not the refusal replayed")
        #expect(harness.upstreamURLs.count == 1)
        try await harness.stop()
    }

    private func expectAuditFailing(
        _ harness: SocketDoorHarness,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        #expect(!harness.audit.log.status.writable, sourceLocation: sourceLocation)
        let status = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/gateway/status")
        let audit = status.json?["audit"] as? [String: Any]
        #expect(
            audit?["state"] as? String == "degraded",
            "status: \(status.json ?? [:])",
            sourceLocation: sourceLocation
        )
        #expect(
            (audit?["reason"] as? String)?.contains("No space left on device") == true,
            "status: \(status.json ?? [:])",
            sourceLocation: sourceLocation
        )
    }
}

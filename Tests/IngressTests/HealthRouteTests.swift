import Audit
import AuditTestSupport
import Foundation
import Ingress
import ReplayCore
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /v1/health` (readiness) and `GET /v1/_ping` (liveness) on the real socket door: the body names every
/// check, and the answer follows the audit log, its disk floor and the breaker as they fail and recover.
@Suite(.timeLimit(.minutes(5))) struct HealthRouteTests {
    @Test func readinessFollowsTheAuditLogAndItsDiskFloorWhileLivenessStaysUp() async throws {
        let faults = SwitchableAuditWriteFaults()
        let disk = FakeDiskSpace(free: 1 << 40)
        let harness = try SocketDoorHarness(
            auditWriteFaults: faults,
            operations: { pipeline, audit in
                OperationsEndpoints(
                    readiness: ReadinessProbe(checks: [
                        AuditReadinessCheck(
                            auditor: pipeline.auditor,
                            directory: audit.directory,
                            minFreeBytes: 64 << 20,
                            diskSpace: disk
                        ),
                        StaticReadinessCheck(name: "config", ok: true, detail: "loaded"),
                    ])
                )
            }
        )
        defer { harness.cleanUp() }
        await harness.start()

        var health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 200)
        #expect(health.json?["status"] as? String == "ready")
        #expect(checkNames(health) == ["audit", "config"])

        // The disk drops below the floor: not ready at once, before any record fails.
        disk.set(1 << 20)
        health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 503)
        #expect(health.json?["status"] as? String == "not_ready")
        #expect(check("audit", in: health)?["ok"] as? Bool == false)
        #expect((check("audit", in: health)?["detail"] as? String)?.contains("below the floor") == true)
        #expect(check("config", in: health)?["ok"] as? Bool == true)
        disk.set(1 << 40)
        health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 200)

        // Writes fail (ENOSPC under the real log): the first refused replay degrades the log, readiness says so,
        // and liveness still answers.
        faults.set(ENOSPC)
        let refused = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r1/replay")
        #expect(refused.status == 503)
        health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 503)
        #expect((check("audit", in: health)?["detail"] as? String)?.contains("No space left on device") == true)
        let ping = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/_ping")
        #expect(ping.status == 200)

        // Writes work again: after the log's maintenance pass reopens it, readiness is back.
        faults.set(nil)
        await harness.audit.log.maintain()
        health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 200, "health: \(health.json ?? [:])")
        #expect(check("audit", in: health)?["ok"] as? Bool == true)
        try await harness.stop()
    }

    @Test func readinessIsFalseWhileTheBreakerIsOpenAndTrueWhenItHalfOpens() async throws {
        let clock = ManualReplayClock()
        let breaker = CircuitBreaker(
            configuration: CircuitBreaker.Configuration(
                failureThreshold: 3,
                baseOpenDuration: .seconds(30),
                maxOpenDuration: .seconds(300)
            ),
            clock: clock
        )
        let harness = try SocketDoorHarness(operations: { _, _ in
            OperationsEndpoints(readiness: ReadinessProbe(checks: [BreakerReadinessCheck(breaker: breaker)]))
        })
        defer { harness.cleanUp() }
        await harness.start()
        var health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 200)
        #expect(check("breaker", in: health)?["detail"] as? String == "breaker closed")

        for _ in 0..<3 { breaker.recordFailure() }
        health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 503)
        #expect(check("breaker", in: health)?["ok"] as? Bool == false)
        #expect((check("breaker", in: health)?["detail"] as? String)?.hasPrefix("breaker open") == true)

        clock.advance(by: .seconds(31))
        health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 200, "health: \(health.json ?? [:])")
        #expect(check("breaker", in: health)?["detail"] as? String == "breaker half_open")
        try await harness.stop()
    }

    @Test func healthNeedsNoMappedPrincipalAndOnlyGET() async throws {
        let harness = try SocketDoorHarness(mappings: [])
        defer { harness.cleanUp() }
        await harness.start()
        let health = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/health")
        #expect(health.status == 200)
        #expect(health.json?["status"] as? String == "ready")
        let post = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/health")
        #expect(post.status == 405)
        let metrics = try await RawSocketClient.request(path: harness.socketPath, "GET", "/metrics")
        #expect(metrics.status == 404, "metrics are off in this harness")
        try await harness.stop()
    }

    private func checkNames(_ response: RawSocketClient.Response) -> [String] {
        ((response.json?["checks"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
    }

    private func check(_ name: String, in response: RawSocketClient.Response) -> [String: Any]? {
        ((response.json?["checks"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == name }
    }
}

/// Free space a test sets.
final class FakeDiskSpace: AuditDiskSpace {
    private let free: Mutex<Int64?>
    init(free: Int64?) { self.free = Mutex(free) }
    func set(_ bytes: Int64?) { free.withLock { $0 = bytes } }
    func freeBytes(atPath path: String) -> Int64? { free.withLock { $0 } }
}

import Curl
import Foundation
import Ingress
import ReplayCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /v1/runs/{id}` on the socket door: Strait's run through replayd's key, for `replayctl replay --follow`.
@Suite struct RunReadRouteTests {
    private static let run =
        #"{"id":"run_new_1","job_id":"job-1","project_id":"proj-1","status":"executing","attempt":1,"triggered_by":"manual","priority":0,"job_version":1,"debug_mode":false,"lineage_depth":0,"created_at":"2026-05-01T12:00:00Z"}"#

    private static func upstream(_ url: String, _ headers: HTTPHeaders) -> HTTPResponse {
        if url.hasSuffix("/v1/runs/run_new_1") {
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(run.utf8))
        }
        return HTTPResponse(
            status: 404,
            headers: ["Content-Type": "application/json"],
            body: Array(#"{"error":{"code":"not_found","message":"run not found"}}"#.utf8)
        )
    }

    @Test func passesTheRunThroughAndStraitsRefusalsWithTheirStatus() async throws {
        let harness = try SocketDoorHarness(upstream: { url, headers in Self.upstream(url, headers) })
        defer { harness.cleanUp() }
        await harness.start()
        let found = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/runs/run_new_1")
        #expect(found.status == 200)
        #expect(found.json?["status"] as? String == "executing")
        #expect(harness.upstreamURLs == ["http://127.0.0.1:9/v1/runs/run_new_1"])

        let missing = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/runs/run_gone")
        #expect(missing.status == 404)
        let error = try #require(missing.json?["error"] as? [String: Any])
        #expect(error["code"] as? String == "not_found")

        let bad = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/runs/%2E%2E")
        #expect(bad.status == 400)
        #expect(harness.upstreamURLs.count == 2, "a bad id is refused before Strait is asked")

        let post = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/run_new_1")
        #expect(post.status == 405)
        try await harness.stop()
    }

    @Test func anUnmappedCallerIsRefusedWithoutAskingStrait() async throws {
        let harness = try SocketDoorHarness(
            mappings: [PrincipalConfig(name: "someone-else", unixUIDs: [getuid() &+ 4242])],
            upstream: { url, headers in Self.upstream(url, headers) }
        )
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/runs/run_new_1")
        #expect(response.status == 403)
        #expect(harness.upstreamURLs.isEmpty)
        try await harness.stop()
    }
}

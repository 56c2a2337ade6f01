import Curl
import Foundation
import Ingress
import ReplayCore
import Testing

@Suite struct ReplayRouteTests {
    @Test func aReplayPassesStraitsRunThrough() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/run%201/replay?from_checkpoint=2"
        )
        #expect(response.status == 201)
        #expect(response.json?["id"] as? String == "new-run")
        #expect(response.json?["status"] as? String == "queued")
        #expect(harness.upstreamURLs == ["http://127.0.0.1:9/v1/runs/run%201/replay?from_checkpoint=2"])
        #expect(response.headers["replayd-upstream-request-ids"]?.hasPrefix("rq_") == true)
        try await harness.stop()
    }

    @Test func upstreamErrorsPassThroughWithTheirStatusAndEnvelope() async throws {
        let harness = try SocketDoorHarness(upstream: { _, _ in
            HTTPResponse(
                status: 400,
                headers: ["Content-Type": "application/json"],
                body: Array(
                    #"{"error":{"code":"bad_request","message":"run is not replayable"},"request_id":"up-1"}"#.utf8
                )
            )
        })
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/run_completed_1/replay"
        )
        #expect(response.status == 400)
        #expect(response.errorCode == "bad_request")
        #expect(response.errorMessage == "run is not replayable")
        #expect(response.json?["request_id"] as? String == "up-1")
        try await harness.stop()
    }

    @Test func plainTextUpstream429BecomesAnEnvelopeAndKeepsRetryAfter() async throws {
        let harness = try SocketDoorHarness(upstream: { _, _ in
            HTTPResponse(status: 429, headers: ["Retry-After": "60"], body: Array("Too Many Requests\n".utf8))
        })
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r/replay")
        #expect(response.status == 429)
        #expect(response.errorCode == "rate_limited")
        #expect(response.errorMessage == "Too Many Requests")
        // Retried after its Retry-After (on the harness's manual clock); the next wait would pass the harness's 90 s
        // deadline, so the 429 is the answer.
        #expect(harness.upstreamURLs.count == 2)
        try await harness.stop()
    }

    @Test(arguments: [
        ("/v1/runs/..%2Fx/replay", "must not contain \"/\""),
        ("/v1/runs/%2E%2E/replay", "must not be \".\" or \"..\""),
        ("/v1/runs/%252e/replay", "must not start with \"%\""),
        ("/v1/runs/ok/replay?from_checkpoint=abc", "from_checkpoint must be a positive integer"),
        ("/v1/runs/ok/replay?from_checkpoint=0", "from_checkpoint must be a positive integer"),
    ])
    func badInputGets400AndNeverReachesTheUpstream(target: String, reason: String) async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(path: harness.socketPath, "POST", target)
        #expect(response.status == 400)
        #expect(response.errorCode == "bad_request")
        #expect(response.errorMessage?.contains(reason) == true)
        #expect(harness.upstreamURLs.isEmpty)
        try await harness.stop()
    }

    @Test func nothingSentFailuresAreRetriedThenReportedAsUnreachable() async throws {
        let harness = try SocketDoorHarness(upstream: { _, _ throws(CurlError) in
            throw CurlError(code: .couldNotConnect, curlCode: 7, message: "Connection refused")
        })
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r/replay")
        #expect(response.status == 502)
        #expect(response.errorCode == "upstream_unreachable")
        #expect(response.errorMessage?.contains("http://127.0.0.1:9") == true)
        #expect(harness.upstreamURLs.count == 2)
        try await harness.stop()
    }

    @Test func unknownRoutesAndMethodsAreAnswered() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        let missing = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v2/nothing")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let wrongMethod = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/runs/r/replay")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "POST")
        try await harness.stop()
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        let statuses = try await RawSocketClient.offload {
            let client = try RawSocketClient(path: socketPath)
            // Two requests pipelined in one write, then a third: all answered, in order.
            try client.send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/nope HTTP/1.1\r\nHost: x\r\n\r\n")
            var statuses = [try client.readResponse().status, try client.readResponse().status]
            try client.send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n\r\n")
            statuses.append(try client.readResponse().status)
            return statuses
        }
        #expect(statuses == [200, 404, 200])
        try await harness.stop()
    }
}

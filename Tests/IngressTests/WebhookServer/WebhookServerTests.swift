import Curl
import Foundation
import Ingress
import Logging
import NIOPosix
import ReplayCore
import Testing

@Suite struct WebhookServerTests {
    @Test func aPostToAConfiguredSourceReachesTheHandlerAsSent() async throws {
        let handler = WebhookStubHandler { request in
            WebhookHTTPResponse(
                status: 202,
                headers: ["X-Echo": request.header("x-test") ?? "-", "Content-Length": "9"],
                body: Array("accepted\n".utf8)
            )
        }
        let harness = try WebhookServerHarness(handler: handler)
        let port = try await harness.start()
        #expect(port > 0)
        harness.clock.advance(by: .seconds(42))
        // Over 1024 bytes, so libcurl sends `Expect: 100-continue` and the server must say continue.
        let body = String(repeating: "é", count: 1500)
        let response = try await harness.post("/hooks/slack?ignored=1", body, headers: ["X-Test": "hello"])
        #expect(response.status == 202)
        #expect(response.body == Array("accepted\n".utf8))
        #expect(response.headers["X-Echo"] == "hello")
        #expect(response.headers["Content-Length"] == "9")
        #expect(response.headers["Cache-Control"] == "no-store")
        let request = try #require(handler.requests.first)
        #expect(handler.callCount == 1)
        #expect(request.source == "slack")
        #expect(request.body == Array(body.utf8))
        #expect(request.header("X-TEST") == "hello")
        #expect(request.clientAddress == "127.0.0.1")
        #expect(request.peerAddress == "127.0.0.1")
        #expect(request.requestID.hasPrefix("rq_"))
        #expect(response.headers["X-Request-Id"] == request.requestID)
        #expect(request.receivedAt == .seconds(42))
        try await harness.stop()
    }

    @Test func unknownSourcesAndPathsGet404BeforeTheBodyIsRead() async throws {
        let harness = try WebhookServerHarness()
        let port = try await harness.start()
        let (response, closed) = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            // Announce a body and never send it: the answer must come anyway.
            try client.send("POST /hooks/nope HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
            return (try client.readResponse(), client.readsEOF())
        }
        #expect(response.status == 404)
        #expect(response.errorCode == "not_found")
        #expect(response.headers["x-request-id"]?.hasPrefix("rq_") == true)
        #expect(closed)
        for path in ["/hooks/", "/hooks/slack/extra", "/hook/slack", "/", "/hooks/SLACK", "/hooks/slack%2F"] {
            #expect(try await harness.post(path).status == 404, "\(path)")
        }
        #expect(harness.handler.callCount == 0)
        try await harness.stop()
    }

    @Test func getGets404AndOtherMethodsGet405() async throws {
        let harness = try WebhookServerHarness()
        try await harness.start()
        #expect(try await harness.send("GET", "/hooks/slack").status == 404)
        #expect(try await harness.send("GET", "/").status == 404)
        for method in ["PUT", "DELETE", "PATCH"] {
            let response = try await harness.send(method, "/hooks/slack", body: Array("{}".utf8))
            #expect(response.status == 405, "\(method)")
            #expect(response.headers["Allow"] == "POST")
        }
        #expect(harness.handler.callCount == 0)
        try await harness.stop()
    }

    @Test func aDeclaredBodyOverTheCapGets413BeforeTheHandlerRuns() async throws {
        let harness = try WebhookServerHarness { $0.http.maxBodyBytes = 1024 }
        let port = try await harness.start()
        let (raw, closed) = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send("POST /hooks/slack HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n")
            return (try client.readResponse(), client.readsEOF())
        }
        #expect(raw.status == 413)
        #expect(raw.errorCode == "payload_too_large")
        #expect(closed)
        let over = try await harness.post("/hooks/slack", String(repeating: "x", count: 1025))
        #expect(over.status == 413)
        // The cap is checked before routing: even an unknown source gets 413.
        #expect(try await harness.post("/hooks/nope", String(repeating: "x", count: 5000)).status == 413)
        #expect(harness.handler.callCount == 0)
        let exactly = try await harness.post("/hooks/slack", String(repeating: "x", count: 1024))
        #expect(exactly.status == 200)
        #expect(harness.handler.callCount == 1)
        try await harness.stop()
    }

    @Test func aChunkedBodyGrowingPastTheCapGets413AndTheConnectionCloses() async throws {
        let harness = try WebhookServerHarness { $0.http.maxBodyBytes = 64 }
        let port = try await harness.start()
        let (response, closed) = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send("POST /hooks/github HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("40\r\n" + String(repeating: "y", count: 64) + "\r\n")
            try client.send("1\r\nz\r\n0\r\n\r\n")
            return (try client.readResponse(), client.readsEOF())
        }
        #expect(response.status == 413)
        #expect(response.errorCode == "payload_too_large")
        #expect(closed)
        #expect(harness.handler.callCount == 0)
        // A chunked body within the cap arrives whole.
        let accepted = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send("POST /hooks/github HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("20\r\n" + String(repeating: "a", count: 32) + "\r\n")
            try client.send("20\r\n" + String(repeating: "b", count: 32) + "\r\n0\r\n\r\n")
            return try client.readResponse()
        }
        #expect(accepted.status == 200)
        #expect(
            harness.handler.requests.first?.body
                == Array((String(repeating: "a", count: 32) + String(repeating: "b", count: 32)).utf8)
        )
        try await harness.stop()
    }

    @Test func oversizedHeadsGet431() async throws {
        let harness = try WebhookServerHarness { $0.http.maxHeaderBytes = 1024 }
        try await harness.start()
        let response = try await harness.post(
            "/hooks/slack",
            headers: ["X-Filler": String(repeating: "a", count: 4096)]
        )
        #expect(response.status == 431)
        #expect(harness.handler.callCount == 0)
        try await harness.stop()
    }

    @Test func anIncompleteRequestGets408() async throws {
        let harness = try WebhookServerHarness { $0.http.readTimeout = .milliseconds(100) }
        let port = try await harness.start()
        let response = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send("POST /hooks/slack HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            return try client.readResponse()
        }
        #expect(response.status == 408)
        #expect(response.errorCode == "request_timeout")
        #expect(harness.handler.callCount == 0)
        #expect(harness.server.inFlightCount == 0)
        try await harness.stop()
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() async throws {
        let untrusted = try WebhookServerHarness()
        try await untrusted.start()
        #expect(try await untrusted.post("/hooks/slack", headers: ["X-Forwarded-For": "203.0.113.9"]).status == 200)
        #expect(untrusted.handler.requests.first?.clientAddress == "127.0.0.1")
        try await untrusted.stop()

        let trusted = try WebhookServerHarness {
            $0.trustedProxies = [try CIDR("127.0.0.0/8"), try CIDR("10.0.0.0/8")]
        }
        try await trusted.start()
        let response = try await trusted.post(
            "/hooks/slack",
            headers: ["X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.1.2.3"]
        )
        #expect(response.status == 200)
        let request = try #require(trusted.handler.requests.first)
        #expect(request.clientAddress == "203.0.113.9")
        #expect(request.peerAddress == "127.0.0.1")
        try await trusted.stop()
    }

    @Test func thePreAuthLimiterAnswers429UntilTheClockMoves() async throws {
        let harness = try WebhookServerHarness {
            $0.preAuthLimit = PreAuthLimit(ratePerSecond: 1, burst: 2)
        }
        try await harness.start()
        #expect(try await harness.post("/hooks/slack").status == 200)
        #expect(try await harness.post("/hooks/slack").status == 200)
        let limited = try await harness.post("/hooks/slack")
        #expect(limited.status == 429)
        #expect(limited.headers["Retry-After"] == "1")
        #expect(limited.headers["X-Request-Id"]?.hasPrefix("rq_") == true)
        #expect(errorCode(limited) == "rate_limited")
        #expect(harness.handler.callCount == 2)
        // Each source has its own bucket.
        #expect(try await harness.post("/hooks/github").status == 200)
        harness.clock.advance(by: .seconds(1))
        #expect(try await harness.post("/hooks/slack").status == 200)
        #expect(try await harness.post("/hooks/slack").status == 429)
        #expect(harness.handler.callCount == 4)
        try await harness.stop()
    }

    @Test func theFailureThrottleBlocksBeforeTheHandlerGrowsAndCaps() async throws {
        let handler = WebhookStubHandler { request in
            request.header("X-Good") == nil
                ? WebhookHTTPResponse(status: 401, verificationFailed: true)
                : WebhookHTTPResponse(status: 200)
        }
        let harness = try WebhookServerHarness(handler: handler) {
            $0.trustedProxies = [try CIDR("127.0.0.1")]
            $0.failureThrottle = FailureThrottlePolicy(
                threshold: 2,
                window: .seconds(60),
                initialBlock: .seconds(10),
                maxBlock: .seconds(25)
            )
        }
        try await harness.start()
        let attacker: HTTPHeaders = ["X-Forwarded-For": "203.0.113.9"]
        var retryAfters: [String] = []
        for round in 0..<4 {
            #expect(try await harness.post("/hooks/slack", headers: attacker).status == 401)
            #expect(try await harness.post("/hooks/slack", headers: attacker).status == 401)
            let calls = handler.callCount
            let blocked = try await harness.post("/hooks/slack", headers: attacker)
            #expect(blocked.status == 429, "round \(round)")
            #expect(errorCode(blocked) == "too_many_verification_failures")
            #expect(handler.callCount == calls)
            retryAfters.append(blocked.headers["Retry-After"] ?? "-")
            // Another client, or the same client at another source, is not blocked.
            #expect(
                try await harness.post("/hooks/slack", headers: ["X-Forwarded-For": "198.51.100.7", "X-Good": "1"])
                    .status == 200
            )
            #expect(try await harness.post("/hooks/github", headers: attacker).status == 401)
            harness.clock.advance(by: .seconds(Int64(retryAfters.last ?? "0") ?? 0))
        }
        #expect(retryAfters == ["10", "20", "25", "25"])
        try await harness.stop()
    }

    @Test func gracefulShutdownFinishesARequestInProgress() async throws {
        let gate = WebhookTestGate()
        // The grace period is wall-clock time: make it a hang guard, so that a slow step of the test (a refused
        // connection that curl takes a while to report) cannot let it expire and cut the request under test.
        let harness = try WebhookServerHarness(handler: WebhookStubHandler(gate: gate)) {
            $0.http.shutdownGracePeriod = .seconds(600)
        }
        try await harness.start()
        let inFlight = Task { try await harness.post("/hooks/slack", #"{"run":"r1"}"#) }
        await harness.handler.waitForCalls(1)
        await harness.triggerShutdown()
        await harness.server.waitUntilStoppedAccepting()
        // The listener is closed: a new request cannot connect.
        await #expect(throws: CurlError.self) { try await harness.post("/hooks/slack") }
        #expect(harness.server.inFlightCount == 1)
        gate.open()
        let response = try await inFlight.value
        #expect(response.status == 200)
        #expect(response.body == Array("ok".utf8))
        #expect(response.headers["Connection"]?.lowercased() == "close")
        try await harness.waitUntilStopped()
        #expect(harness.handler.callCount == 1)
        try await harness.stop()
    }

    @Test func theGracePeriodBoundsTheWaitForARequestInProgress() async throws {
        let gate = WebhookTestGate()
        let harness = try WebhookServerHarness(handler: WebhookStubHandler(gate: gate)) {
            $0.http.shutdownGracePeriod = .zero
        }
        try await harness.start()
        let inFlight = Task { try await harness.post("/hooks/slack") }
        await harness.handler.waitForCalls(1)
        await harness.triggerShutdown()
        try await harness.waitUntilStopped()
        // The server stopped while the handler was still at the gate; the client's connection was closed.
        await #expect(throws: CurlError.self) { try await inFlight.value }
        gate.open()
        try await harness.stop()
    }

    @Test func aPortInUseFailsWithBindFailed() async throws {
        let first = try WebhookServerHarness()
        let port = try await first.start()
        let second = try WebhookServerHarness(port: port)
        await #expect {
            try await second.start()
        } throws: { error in
            (error as? WebhookServerError)?.code == .bindFailed
        }
        try await first.stop()
        await #expect(throws: (any Error).self) { try await second.waitUntilStopped() }
        await second.server.waitUntilStoppedAccepting()
    }

    @Test func badSettingsAndSourceNamesAreRefusedAtInit() {
        func make(
            _ sources: Set<String>,
            _ configure: (inout WebhookServerConfiguration) -> Void = { _ in }
        ) throws(WebhookServerError) {
            var configuration = WebhookServerConfiguration(port: 0)
            configure(&configuration)
            _ = try WebhookServer(
                configuration: configuration,
                sources: sources,
                handler: WebhookStubHandler(),
                clock: ManualReplayClock(),
                group: MultiThreadedEventLoopGroup.singleton,
                logger: Logger(label: "test")
            )
        }
        #expect(throws: Never.self) { try make(["slack", "git-hub_2"]) }
        for bad in ["", "a/b", "a b", "..", "é", String(repeating: "x", count: 65)] {
            do {
                try make([bad])
                Issue.record("source name '\(bad)' was accepted")
            } catch {
                #expect(error.code == .invalidSourceName, "\(bad)")
            }
        }
        let broken: [(String, (inout WebhookServerConfiguration) -> Void)] = [
            ("port", { $0.port = 70_000 }),
            ("max_body_size", { $0.http.maxBodyBytes = 0 }),
            ("rate", { $0.preAuthLimit = PreAuthLimit(ratePerSecond: 0, burst: 1) }),
            ("burst", { $0.preAuthLimitsBySource = ["slack": PreAuthLimit(ratePerSecond: 1, burst: 0)] }),
            ("threshold", { $0.failureThrottle.threshold = 0 }),
            ("max block", { $0.failureThrottle.maxBlock = .seconds(1) }),
        ]
        for (name, configure) in broken {
            do {
                try make(["slack"], configure)
                Issue.record("a bad \(name) was accepted")
            } catch {
                #expect(error.code == .invalidConfiguration, "\(name)")
            }
        }
    }

    private func errorCode(_ response: HTTPResponse) -> String? {
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        return (json?["error"] as? [String: Any])?["code"] as? String
    }
}

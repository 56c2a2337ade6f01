import Foundation
import HTTPServer
import Ingress
import ReplayCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The one HTTP core under both doors, through real sockets: half-close, pipelining, per-client caps, the head
/// deadline, and the one error shape.
@Suite struct HTTPCoreTests {
    @Test func aHalfClosedSocketRequestStillGetsItsAnswer() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        let response = try await RawSocketClient.offload {
            let client = try RawSocketClient(path: socketPath)
            try client.send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n\r\n")
            try client.shutdownWrite()
            return try client.readResponse()
        }
        #expect(response.status == 200)
        #expect(response.json?["status"] as? String == "ok")
        try await harness.stop()
    }

    @Test func aHalfClosedWebhookRequestStillGetsItsAnswer() async throws {
        let harness = try WebhookServerHarness()
        try await harness.start()
        let port = harness.port
        let response = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send("POST /hooks/slack HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            try client.shutdownWrite()
            return try client.readResponse()
        }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
        try await harness.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        let (first, second, third) = try await RawSocketClient.offload {
            let client = try RawSocketClient(path: socketPath)
            try client.send(
                "GET /v1/_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            return (try client.readResponse(), try client.readResponse(), try client.readResponse())
        }
        #expect(first.status == 200)
        #expect(second.status == 404)
        #expect(third.status == 200)
        #expect(third.headers["connection"] == "close")
        #expect(Set([first, second, third].compactMap { $0.headers["x-request-id"] }).count == 3)
        try await harness.stop()
    }

    @Test func oneUIDCannotHoldMoreThanItsShareOfTheSocket() async throws {
        let harness = try SocketDoorHarness(configure: {
            $0.http.maxConnectionsPerClient = 2
            $0.http.headTimeout = .seconds(3600)
            $0.http.readTimeout = .seconds(3600)
        })
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        // Two connections in the middle of a request: neither is idle, so neither can be reclaimed.
        let holders = try await RawSocketClient.offload {
            try (0..<2).map { _ in
                let holder = try RawSocketClient(path: socketPath)
                try holder.send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n")
                return HeldConnection(holder)
            }
        }
        try await harness.waitForConnections(2)
        let third = try await RawSocketClient.request(path: socketPath, "GET", "/v1/_ping")
        withExtendedLifetime(holders) {}
        #expect(third.status == 503)
        #expect(third.errorCode == "too_many_connections")
        #expect(third.errorMessage?.contains("2 connections") == true)
        #expect(third.headers["retry-after"] == "1")
        try await harness.stop()
    }

    /// A client's idle keep-alive connections (a connection cache) do not use up its share: the longest idle is
    /// closed to make room for a new one.
    @Test func anIdleKeepAliveIsReclaimedForTheSameUIDsNewConnection() async throws {
        let harness = try SocketDoorHarness(configure: { $0.http.maxConnectionsPerClient = 2 })
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        let (held, third, firstClosed) = try await RawSocketClient.offload {
            var holders: [RawSocketClient] = []
            var held: [Int] = []
            for _ in 0..<2 {
                let holder = try RawSocketClient(path: socketPath)
                try holder.send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n\r\n")
                held.append(try holder.readResponse().status)
                holders.append(holder)
            }
            let third = try RawSocketClient.blockingRequest(path: socketPath, "GET", "/v1/_ping")
            return (held, third, holders[0].readsEOF())
        }
        #expect(held == [200, 200])
        #expect(third.status == 200)
        #expect(firstClosed)
        try await harness.stop()
    }

    /// 300 slowloris connections from one address (127.0.0.2) trickle a head that never ends; a delivery from
    /// another address (127.0.0.1) is still answered, and the slow client's connections past its share are
    /// refused, not counted.
    @Test func slowConnectionsFromOneClientDoNotStopAnother() async throws {
        let harness = try WebhookServerHarness {
            $0.http.headTimeout = .seconds(3600)
            $0.http.readTimeout = .seconds(3600)
        }
        try await harness.start()
        let port = harness.port
        let (legitimate, refused) = try await RawSocketClient.offload {
            let slow = try (0..<300).map { _ in
                let client = try RawSocketClient(tcpPort: port, from: "127.0.0.2")
                try client.send("POST /hooks/slack HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                return client
            }
            let client = try RawSocketClient(tcpPort: port, from: "127.0.0.1")
            try client.send("POST /hooks/slack HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            let legitimate = try client.readResponse()
            let last = slow[slow.count - 1]
            try last.send("1\r\nContent-Length: 0\r\n\r\n")
            let refused = try last.readResponse()
            withExtendedLifetime(slow) {}
            return (legitimate, refused)
        }
        #expect(legitimate.status == 200)
        #expect(refused.status == 503)
        #expect(refused.errorCode == "too_many_connections")
        try await harness.stop()
    }

    /// A client that trickles header bytes, each well inside the read timeout, is cut off by the head deadline.
    @Test func aHeadTrickledByteByByteGets408() async throws {
        let harness = try WebhookServerHarness {
            $0.http.headTimeout = .milliseconds(300)
            $0.http.readTimeout = .seconds(3600)
        }
        try await harness.start()
        let port = harness.port
        let response = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send("POST /hooks/slack HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            // One header byte each time 20 ms pass without an answer, on this test's own thread. The count is a
            // hang guard of minutes, not an assertion: the deadline is 300 ms.
            for _ in 0..<6000 where !client.isReadable(within: 20) {
                try client.send("a")
            }
            return try client.readResponse()
        }
        #expect(response.status == 408)
        #expect(response.errorCode == "request_timeout")
        #expect(response.errorMessage?.contains("head") == true)
        try await harness.stop()
    }

    @Test func bothDoorsAnswerInOneErrorShape() async throws {
        let socket = try SocketDoorHarness()
        defer { socket.cleanUp() }
        await socket.start()
        let socketAnswer = try await RawSocketClient.request(path: socket.socketPath, "GET", "/v1/nowhere")
        try await socket.stop()

        let webhook = try WebhookServerHarness()
        try await webhook.start()
        let port = webhook.port
        let webhookAnswer = try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send("POST /hooks/nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            return try client.readResponse()
        }
        try await webhook.stop()

        for answer in [socketAnswer, webhookAnswer] {
            #expect(answer.status == 404)
            #expect(answer.errorCode == "not_found")
            #expect(answer.headers["api-version"] == "1")
            let requestID = try #require(answer.headers["x-request-id"])
            #expect(answer.json?["request_id"] as? String == requestID)
            #expect((answer.json?["error"] as? [String: Any])?["request_id"] == nil)
        }
    }
}

/// Keeps a raw client open across `await`s (the client itself is not `Sendable`; it is only held, never used).
final class HeldConnection: @unchecked Sendable {
    let client: RawSocketClient
    init(_ client: RawSocketClient) { self.client = client }
}

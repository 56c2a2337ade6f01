import Curl
import Testing

/// Transfers that end without a response, and the facts they report.
@Suite(.timeLimit(.minutes(5)))
struct FailureTests {
    @Test func connectionRefusedSendsNothing() async throws {
        let refusing = try RefusingPort()
        let client = try TestSupport.makeClient()
        let error = await client.failure(
            of: HTTPRequest(method: "POST", url: "http://127.0.0.1:\(refusing.port)/", body: [1])
        )
        let failure = try #require(error)
        #expect(failure.code == .couldNotConnect)
        #expect(failure.facts.requestSent == false)
        #expect(failure.facts.requestBytesSent == 0)
        #expect(failure.curlCode == 7)
        await client.shutdown()
        withExtendedLifetime(refusing) {}
    }

    @Test func stallAfterTheRequestTimesOutWithRequestSent() async throws {
        let server = try await TestHTTPServer.start { _ in .stall }
        let client = try TestSupport.makeClient()
        let request = HTTPRequest(
            method: "POST",
            url: server.url("/slow"),
            body: Array("data".utf8),
            timeout: .seconds(1)
        )
        let error = await client.failure(of: request)

        let failure = try #require(error)
        #expect(failure.code == .timedOut)
        #expect(failure.facts.requestSent)
        #expect(server.requests.count == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func resetAfterTheRequestFailsReceiveWithRequestSent() async throws {
        let server = try await TestHTTPServer.start { _ in .reset }
        let client = try TestSupport.makeClient()
        let error = await client.failure(
            of: HTTPRequest(method: "POST", url: server.url("/reset"), body: Array("x".utf8))
        )

        let failure = try #require(error)
        #expect(failure.code == .receiveFailed || failure.code == .sendFailed)
        #expect(failure.facts.requestSent)
        #expect(server.requests.count == 1)
        await client.shutdown()
        await server.stop()
    }

    /// The case `requestBytesSent` must not get wrong: the request goes out on a kept connection, the server
    /// reads it and hangs up, libcurl retries on a fresh connection, and that connect is refused. The server
    /// did see the request, so the error must say so even though its code is `couldNotConnect`.
    @Test func requestLostOnAReusedConnectionStillCountsAsSent() async throws {
        let server = try await TestHTTPServer.start { request in
            request.uri == "/first" ? .respond(TestResponse(body: [1])) : .stopListeningAndHangUp
        }
        let client = try TestSupport.makeClient()
        let first = try await client.send(HTTPRequest(method: "GET", url: server.url("/first")))
        #expect(first.status == 200)

        let error = await client.failure(of: HTTPRequest(method: "GET", url: server.url("/second")))
        let failure = try #require(error)
        #expect(server.requests.map(\.uri) == ["/first", "/second"])
        #expect(failure.code == .couldNotConnect || failure.code == .receiveFailed, "\(failure) \(failure.facts)")
        #expect(failure.facts.requestSent)
        await client.shutdown()
        await server.stop()
    }

    /// libcurl silently re-sends a request whose reused connection dies before an answer byte. For a POST that
    /// is a duplicate replay, so non-idempotent requests get a fresh connection: the server sees exactly one copy.
    @Test func aPostIsNeverResentBehindOurBack() async throws {
        let server = try await TestHTTPServer.start { request in
            request.uri == "/first" ? .respond(TestResponse(body: [1])) : .reset
        }
        let client = try TestSupport.makeClient()
        let first = try await client.send(HTTPRequest(method: "GET", url: server.url("/first")))
        #expect(first.status == 200)

        let error = await client.failure(of: HTTPRequest(method: "POST", url: server.url("/replay")))
        let failure = try #require(error)
        #expect(failure.facts.requestSent)
        #expect(failure.facts.connectionReused == false)
        #expect(server.requests.map(\.uri) == ["/first", "/replay"])
        #expect(server.connectionsAccepted == 2)

        // An idempotent request may ride the kept connection, and libcurl may resend it: that is harmless.
        let again = try await client.send(HTTPRequest(method: "GET", url: server.url("/first")))
        #expect(again.status == 200)
        await client.shutdown()
        await server.stop()
    }

    @Test func bodyOverTheCapIsRefused() async throws {
        let server = try await TestHTTPServer.start { request in
            .respond(TestResponse(body: [UInt8](repeating: 7, count: request.uri == "/big" ? 4097 : 4096)))
        }
        let client = try TestSupport.makeClient { $0.maxResponseBodyBytes = 4096 }
        let exact = try await client.send(HTTPRequest(method: "GET", url: server.url("/exact")))
        #expect(exact.body.count == 4096)

        let error = await client.failure(of: HTTPRequest(method: "GET", url: server.url("/big")))
        let failure = try #require(error)
        #expect(failure.code == .responseTooLarge)
        #expect(failure.facts.requestSent)
        await client.shutdown()
        await server.stop()
    }

    @Test func plainHTTPToARemoteHostIsRefusedBeforeAnyNetworkActivity() async throws {
        let client = try TestSupport.makeClient()
        for url in [
            "http://example.invalid/", "http://10.1.2.3:8080/x", "http://[2001:db8::1]/", "http://127.example/",
        ] {
            let error = await client.failure(of: HTTPRequest(method: "GET", url: url))
            #expect(error?.code == .insecureURL, "\(url)")
            #expect(error?.facts == TransferFacts())
        }
        let diagnostics = client.diagnostics
        #expect(diagnostics.completed == 0)
        #expect(diagnostics.peakInFlight == 0)
        await client.shutdown()
    }

    @Test func allowInsecureHTTPLetsPlainHTTPThrough() async throws {
        let client = try TestSupport.makeClient {
            $0.allowInsecureHTTP = true
            $0.connectTimeout = .seconds(5)
        }
        // `.invalid` never resolves (RFC 6761), so this reaches the resolver and no further.
        let error = await client.failure(of: HTTPRequest(method: "GET", url: "http://example.invalid/"))
        let failure = try #require(error)
        #expect(failure.code == .couldNotResolveHost || failure.code == .timedOut)
        #expect(failure.facts.requestSent == false)
        await client.shutdown()
    }

    @Test func invalidRequestsFailBeforeAnyNetworkActivity() async throws {
        let client = try TestSupport.makeClient()
        let requests = [
            HTTPRequest(method: "GET", url: "ftp://127.0.0.1/file"),
            HTTPRequest(method: "GET", url: "not a url"),
            HTTPRequest(method: "GET", url: "/relative"),
            HTTPRequest(method: "GET", url: "https://"),
            HTTPRequest(method: "GE T", url: "https://127.0.0.1/"),
            HTTPRequest(method: "GET", url: "https://127.0.0.1/", headers: ["X-Bad": "a\r\nInjected: 1"]),
            HTTPRequest(method: "GET", url: "https://127.0.0.1/", headers: ["Bad Name": "v"]),
            HTTPRequest(method: "HEAD", url: "https://127.0.0.1/", body: [1]),
            HTTPRequest(method: "GET", url: "https://127.0.0.1/", timeout: .zero),
        ]
        for request in requests {
            let error = await client.failure(of: request)
            #expect(error?.code == .invalidRequest, "\(request.method) \(request.url)")
        }
        #expect(client.diagnostics.completed == 0)
        await client.shutdown()
    }

    @Test func errorMessagesNeverContainHeaderValues() async throws {
        let client = try TestSupport.makeClient()
        let secret = "sk-very-secret"
        let error = await client.failure(
            of:
                HTTPRequest(method: "GET", url: "https://127.0.0.1/", headers: ["Authorization": "Bearer \(secret)\n"])
        )
        let failure = try #require(error)
        #expect(failure.code == .invalidRequest)
        #expect(!failure.description.contains(secret))
        await client.shutdown()
    }
}

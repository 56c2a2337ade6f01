import Curl
import Testing

/// Non-idempotent requests sent with `.reuseWithoutResend` ride kept connections, and a kept connection that dies
/// never turns into a second, silent copy of the request (see `CurlError.Code.resendRefused`).
@Suite(.timeLimit(.minutes(5)))
struct ConnectionReuseTests {
    /// The point of the change: consecutive POSTs share one connection.
    @Test func consecutivePostsShareOneConnection() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse(status: 201, body: [1])) }
        let client = try TestSupport.makeClient()
        for index in 0..<3 {
            let response = try await client.send(
                HTTPRequest(
                    method: "POST",
                    url: server.url("/replay/\(index)"),
                    body: Array("{}".utf8),
                    connectionReuse: .reuseWithoutResend
                )
            )
            #expect(response.status == 201)
            #expect(response.facts.connectionReused == (index > 0))
        }
        #expect(server.connectionsAccepted == 1)
        await client.shutdown()
        await server.stop()
    }

    /// Without the opt-in (`.automatic`), and with `.fresh`, every POST has a connection of its own.
    @Test(arguments: [HTTPRequest.ConnectionReuse.automatic, .fresh])
    func withoutTheOptInEachPostGetsANewConnection(reuse: HTTPRequest.ConnectionReuse) async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse(status: 201, body: [1])) }
        let client = try TestSupport.makeClient()
        for index in 0..<3 {
            let response = try await client.send(
                HTTPRequest(method: "POST", url: server.url("/replay/\(index)"), connectionReuse: reuse)
            )
            #expect(response.status == 201)
            #expect(response.facts.connectionReused == false)
        }
        #expect(server.connectionsAccepted == 3)
        await client.shutdown()
        await server.stop()
    }

    /// The dangerous case on the reuse path: the POST goes out on a kept connection, the server reads it and
    /// hangs up (FIN or RST) before answering. libcurl would send it again on a fresh connection; that copy is
    /// refused, the server sees exactly one, and the error says the request was sent. With an empty body too:
    /// libcurl has nothing to rewind then, so a rewind-based guard would not notice.
    @Test(arguments: [HangUp.reset, .close], [[UInt8](), Array("{}".utf8)])
    func aKeptConnectionThatDiesAfterReadingThePostIsNotResent(hangUp: HangUp, body: [UInt8]) async throws {
        let server = try await TestHTTPServer.start { request in
            request.uri == "/first" ? .respond(TestResponse(status: 201, body: [1])) : hangUp.action
        }
        let client = try TestSupport.makeClient()
        let first = try await client.send(
            HTTPRequest(method: "POST", url: server.url("/first"), body: body, connectionReuse: .reuseWithoutResend)
        )
        #expect(first.status == 201)

        let error = await client.failure(
            of: HTTPRequest(
                method: "POST",
                url: server.url("/replay"),
                body: body,
                connectionReuse: .reuseWithoutResend
            )
        )
        let failure = try #require(error)
        #expect(failure.code == .resendRefused, "\(failure) \(failure.facts)")
        #expect(failure.facts.requestSent)
        #expect(server.requests.map(\.uri) == ["/first", "/replay"])
        #expect(server.requests.last?.body == body)

        // The client is still usable, and nothing more reached the server in the meantime.
        let after = try await client.send(
            HTTPRequest(method: "POST", url: server.url("/first"), body: body, connectionReuse: .reuseWithoutResend)
        )
        #expect(after.status == 201)
        #expect(server.requests.map(\.uri) == ["/first", "/replay", "/first"])
        await client.shutdown()
        await server.stop()
    }

    /// The safe case: the server closed the idle kept connection before the POST was sent. libcurl sees the
    /// closed connection when it takes it from the pool, drops it and connects anew, so the POST goes out once,
    /// on a fresh connection, and succeeds. (Nothing of it was written to the dead connection.)
    @Test func aKeptConnectionClosedWhileIdleIsReplacedBeforeSending() async throws {
        let server = try await TestHTTPServer.start { request in
            request.uri == "/first"
                ? .respondAndClose(TestResponse(status: 201, body: [1]))
                : .respond(TestResponse(status: 201, body: [2]))
        }
        let client = try TestSupport.makeClient()
        let first = try await client.send(
            HTTPRequest(method: "POST", url: server.url("/first"), connectionReuse: .reuseWithoutResend)
        )
        #expect(first.status == 201)
        // The server has closed its side (the FIN is on the loopback before `close` returns).
        await server.waitForClosedConnections(1)

        let second = try await client.send(
            HTTPRequest(method: "POST", url: server.url("/replay"), connectionReuse: .reuseWithoutResend)
        )
        #expect(second.status == 201)
        #expect(second.body == [2])
        #expect(second.facts.connectionReused == false)
        #expect(server.requests.map(\.uri) == ["/first", "/replay"])
        #expect(server.connectionsAccepted == 2)
        await client.shutdown()
        await server.stop()
    }

    /// The pool is bounded: at most `maxConnectionsPerHost` connections to one host at a time, the others wait.
    @Test func connectionsPerHostAreCapped() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse(status: 201, body: [1])) }
        let client = try TestSupport.makeClient { $0.maxConnectionsPerHost = 2 }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await client.send(
                        HTTPRequest(
                            method: "POST",
                            url: server.url("/r/\(index)"),
                            connectionReuse: .reuseWithoutResend
                        )
                    ).status
                }
            }
            for try await status in group {
                #expect(status == 201)
            }
        }
        #expect(server.requests.count == 8)
        #expect(server.connectionsAccepted <= 2)
        await client.shutdown()
        await server.stop()
    }

    /// ... and at most `maxCachedConnections` are kept: the client closes the rest once they are idle.
    @Test func keptConnectionsAreCapped() async throws {
        let server = try await TestHTTPServer.start { _ in .holdUntil(3, TestResponse(status: 201, body: [1])) }
        let client = try TestSupport.makeClient { $0.maxCachedConnections = 1 }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<3 {
                group.addTask {
                    try await client.send(
                        HTTPRequest(
                            method: "POST",
                            url: server.url("/r/\(index)"),
                            connectionReuse: .reuseWithoutResend
                        )
                    ).status
                }
            }
            for try await status in group {
                #expect(status == 201)
            }
        }
        #expect(server.connectionsAccepted == 3)
        // Returns only once the client has closed two of the three (a hang here is the failure).
        await server.waitForClosedConnections(2)
        await client.shutdown()
        await server.stop()
    }
}

/// How the test server hangs up on a request it has read.
enum HangUp: Sendable, CustomTestStringConvertible {
    case reset
    case close

    var action: TestServerAction {
        switch self {
        case .reset: return .reset
        case .close: return .hangUp
        }
    }

    var testDescription: String {
        switch self {
        case .reset: return "RST"
        case .close: return "FIN"
        }
    }
}

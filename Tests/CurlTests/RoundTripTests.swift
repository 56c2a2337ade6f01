import Curl
import Testing

/// Requests that get a response: methods, bodies, headers, connection reuse, Unix sockets.
@Suite(.timeLimit(.minutes(5)))
struct RoundTripTests {
    @Test func getRoundTripsStatusHeadersAndBody() async throws {
        let server = try await TestHTTPServer.start { request in
            .respond(
                TestResponse(
                    status: 203,
                    headers: [("X-Answer", "42"), ("X-Path", request.uri)],
                    body: Array("hello".utf8)
                )
            )
        }
        let client = try TestSupport.makeClient()
        let request = HTTPRequest(method: "GET", url: server.url("/things?a=1"), headers: ["X-Custom": "yes"])
        let response = try await client.send(request)

        #expect(response.status == 203)
        #expect(response.headers["x-answer"] == "42")
        #expect(response.headers["X-Path"] == "/things?a=1")
        #expect(response.body == Array("hello".utf8))
        #expect(response.facts.requestSent)
        #expect(response.facts.connectionReused == false)
        #expect(response.facts.remoteAddress == "127.0.0.1:\(server.port)")
        #expect(response.facts.timings.total > .zero)
        #expect(response.facts.timings.total >= response.facts.timings.firstByte)

        let seen = try #require(server.requests.first)
        #expect(seen.method == "GET")
        #expect(seen.header("X-Custom") == "yes")
        #expect(seen.header("User-Agent") == "replayd")
        #expect(seen.header("Content-Length") == nil)
        await client.shutdown()
        await server.stop()
    }

    @Test func postRoundTripsBody() async throws {
        let server = try await TestHTTPServer.start { request in
            .respond(TestResponse(status: 201, headers: [("Content-Type", "application/json")], body: request.body))
        }
        let client = try TestSupport.makeClient()
        // Large enough that libcurl would add `Expect: 100-continue` (over 1 MiB in 7.88) if we let it.
        let payload = (0..<(1_100_000)).map { UInt8(truncatingIfNeeded: $0) }
        let request = HTTPRequest(
            method: "POST",
            url: server.url("/echo"),
            headers: ["Content-Type": "application/octet-stream", "User-Agent": "tests/1"],
            body: payload
        )
        let response = try await client.send(request)

        #expect(response.status == 201)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.body == payload)
        #expect(response.facts.requestBytesSent > payload.count)

        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST")
        #expect(seen.header("Content-Length") == "\(payload.count)")
        #expect(seen.header("Content-Type") == "application/octet-stream")
        #expect(seen.header("User-Agent") == "tests/1")
        #expect(seen.header("Expect") == nil)
        await client.shutdown()
        await server.stop()
    }

    @Test(arguments: [0, 4, 70_000, 1_100_000])
    func requestBytesSentIsExactlyWhatTheServerReceived(bodySize: Int) async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse(status: 200)) }
        let client = try TestSupport.makeClient()
        let body = [UInt8](repeating: 0x61, count: bodySize)
        let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/count"), body: body))

        #expect(response.status == 200)
        #expect(response.facts.requestBytesSent == server.bytesReceived)
        #expect(response.facts.requestBytesSent > bodySize)
        await client.shutdown()
        await server.stop()
    }

    @Test func postWithoutBodySendsContentLengthZero() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse(status: 204)) }
        let client = try TestSupport.makeClient()
        let response = try await client.send(HTTPRequest(method: "POST", url: server.url("/empty")))

        #expect(response.status == 204)
        let seen = try #require(server.requests.first)
        #expect(seen.header("Content-Length") == "0")
        #expect(seen.header("Content-Type") == nil)
        #expect(seen.body.isEmpty)
        await client.shutdown()
        await server.stop()
    }

    @Test func customMethodWithBody() async throws {
        let server = try await TestHTTPServer.start { request in
            .respond(TestResponse(headers: [("X-Method", request.method)], body: request.body))
        }
        let client = try TestSupport.makeClient()
        let response = try await client.send(
            HTTPRequest(method: "PATCH", url: server.url("/item"), body: Array("{}".utf8))
        )
        #expect(response.headers["X-Method"] == "PATCH")
        #expect(response.body == Array("{}".utf8))
        let deleted = try await client.send(HTTPRequest(method: "DELETE", url: server.url("/item")))
        #expect(deleted.headers["X-Method"] == "DELETE")
        #expect(server.requests.last?.header("Content-Length") == nil)
        await client.shutdown()
        await server.stop()
    }

    @Test func secondRequestReusesTheConnection() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse(body: Array("ok".utf8))) }
        let client = try TestSupport.makeClient()
        let first = try await client.send(HTTPRequest(method: "GET", url: server.url("/1")))
        let second = try await client.send(HTTPRequest(method: "GET", url: server.url("/2")))

        #expect(first.facts.connectionReused == false)
        #expect(second.facts.connectionReused == true)
        #expect(second.facts.requestSent)
        #expect(server.connectionsAccepted == 1)
        #expect(server.requests.map(\.uri) == ["/1", "/2"])
        await client.shutdown()
        await server.stop()
    }

    @Test func requestThroughUnixSocket() async throws {
        let path = TestSupport.temporarySocketPath()
        let server = try await TestHTTPServer.start(unixSocketPath: path) { request in
            .respond(TestResponse(status: 200, headers: [("X-Host", request.header("Host") ?? "")], body: [1, 2, 3]))
        }
        let client = try TestSupport.makeClient()
        // Plain http to a non-loopback name is fine through a Unix socket: the name only fills `Host`.
        let request = HTTPRequest(method: "GET", url: "http://replayd.internal/status", unixSocketPath: path)
        let response = try await client.send(request)

        #expect(response.status == 200)
        #expect(response.body == [1, 2, 3])
        #expect(response.headers["X-Host"] == "replayd.internal")
        #expect(response.facts.requestSent)
        #expect(response.facts.remoteAddress == "unix:\(path)")
        await client.shutdown()
        await server.stop()
    }
}

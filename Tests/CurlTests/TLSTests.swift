import Curl
import Testing

/// TLS failures, without a TLS server: verification is always on, so anything but a real, trusted peer fails.
@Suite(.timeLimit(.minutes(5)))
struct TLSTests {
    @Test func httpsToAPlainHTTPServerFailsAsTLSWithNothingSent() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse()) }
        let client = try TestSupport.makeClient()
        let error = await client.failure(
            of: HTTPRequest(method: "POST", url: "https://127.0.0.1:\(server.port)/", body: [1])
        )

        let failure = try #require(error)
        #expect(failure.code == .tls)
        #expect(failure.facts.requestSent == false)
        #expect(server.requests.isEmpty)
        await client.shutdown()
        await server.stop()
    }

    @Test func anUnreadableCABundleFailsAsTLS() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse()) }
        let client = try TestSupport.makeClient { $0.caBundlePath = "/nonexistent/replayd-ca.pem" }
        let error = await client.failure(of: HTTPRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/"))

        let failure = try #require(error)
        #expect(failure.code == .tls)
        #expect(failure.facts.requestSent == false)
        await client.shutdown()
        await server.stop()
    }
}

import Curl
import Testing

/// The single network thread under load, cancellation and shutdown.
@Suite(.timeLimit(.minutes(5)))
struct ConcurrencyTests {
    @Test func fiveHundredConcurrentRequestsRunOnTheOneNetworkThread() async throws {
        let count = 500
        // Each request holds a socket on both sides, in this one process.
        TestSupport.raiseOpenFileLimit(to: 4 * UInt64(count) + 256)
        // Nobody gets an answer until all 500 requests are open at the server at once.
        let server = try await TestHTTPServer.start { request in
            .holdUntil(count, TestResponse(headers: [("X-Path", request.uri)], body: Array(request.uri.utf8)))
        }
        let client = try TestSupport.makeClient()

        let responses = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
            for index in 0..<count {
                group.addTask {
                    (index, try await client.send(HTTPRequest(method: "GET", url: server.url("/r/\(index)"))))
                }
            }
            var responses: [Int: HTTPResponse] = [:]
            for try await (index, response) in group {
                responses[index] = response
            }
            return responses
        }

        #expect(responses.count == count)
        for (index, response) in responses {
            #expect(response.status == 200)
            #expect(response.body == Array("/r/\(index)".utf8))
        }
        #expect(server.connectionsAccepted == count)
        let diagnostics = client.diagnostics
        #expect(diagnostics.peakInFlight >= count)
        #expect(diagnostics.inFlight == 0)
        #expect(diagnostics.completed == count)
        let networkThread = try #require(diagnostics.networkThreadID)
        #expect(diagnostics.handleThreadIDs == [networkThread])
        await client.shutdown()
        await server.stop()
    }

    @Test func cancellingTheTaskRemovesTheTransfer() async throws {
        let server = try await TestHTTPServer.start { _ in .stall }
        let client = try TestSupport.makeClient(TestSupport.neverTimesOut)
        let task = Task {
            try await client.send(HTTPRequest(method: "GET", url: server.url("/stall")))
        }
        await server.waitForRequests(1)
        #expect(client.inFlightCount == 1)
        task.cancel()

        let result = await task.result
        let error = try #require(result.failureValue as? CurlError)
        #expect(error.code == .cancelled)
        #expect(error.facts.requestSent)
        #expect(client.inFlightCount == 0)
        // Removing the transfer closed its connection.
        await server.waitForClosedConnections(1)
        await client.shutdown()
        await server.stop()
    }

    @Test func cancellationBeforeSubmissionNeverReachesTheNetwork() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse()) }
        let client = try TestSupport.makeClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(HTTPRequest(method: "GET", url: server.url("/never")))
        }
        let result = await task.result
        let error = try #require(result.failureValue as? CurlError)
        #expect(error.code == .cancelled)
        #expect(error.facts.requestSent == false)
        #expect(client.diagnostics.completed == 0)
        #expect(server.connectionsAccepted == 0)
        await client.shutdown()
        await server.stop()
    }

    @Test func shutdownFailsOutstandingAndLaterRequests() async throws {
        let server = try await TestHTTPServer.start { _ in .stall }
        let client = try TestSupport.makeClient(TestSupport.neverTimesOut)
        let task = Task {
            try await client.send(HTTPRequest(method: "GET", url: server.url("/stall")))
        }
        await server.waitForRequests(1)
        await client.shutdown()

        let error = try #require(await task.result.failureValue as? CurlError)
        #expect(error.code == .shutdown)
        #expect(error.facts.requestSent)
        #expect(client.inFlightCount == 0)

        let later = await client.failure(of: HTTPRequest(method: "GET", url: server.url("/late")))
        #expect(later?.code == .shutdown)
        await client.shutdown()  // idempotent
        await server.stop()
    }

    @Test func droppingAClientWithoutShutdownIsSafe() async throws {
        let server = try await TestHTTPServer.start { _ in .respond(TestResponse()) }
        var client: CurlClient? = try TestSupport.makeClient()
        let response = try await client?.send(HTTPRequest(method: "GET", url: server.url("/")))
        #expect(response?.status == 200)
        #expect(client?.networkThreadID != nil)
        client = nil  // deinit asks the thread to stop; it cleans up the multi handle on its own
        await server.waitForClosedConnections(1)
        await server.stop()
    }
}

extension Result {
    /// The error, or `nil` on success.
    var failureValue: Failure? {
        if case .failure(let error) = self {
            return error
        }
        return nil
    }
}

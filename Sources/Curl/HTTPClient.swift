/// The seam between replayd and the network: send one HTTP request, get the response with its transfer facts.
///
/// `CurlClient` is the production implementation. Tests of higher layers may pass a closure-backed client.
public protocol HTTPClient: Sendable {
    /// Sends `request` and returns the response, whatever its status.
    ///
    /// - Throws: `CurlError` when no HTTP response was received (refused, timed out, reset, TLS failure,
    ///   body over the cap, cancelled). The error carries the `TransferFacts`, including whether any request
    ///   bytes were sent, which is what a retry decision needs.
    func send(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse
}

/// An `HTTPClient` backed by a closure, for tests of the layers above the transport.
public struct ClosureHTTPClient: HTTPClient {
    private let body: @Sendable (HTTPRequest) async throws(CurlError) -> HTTPResponse

    /// Creates a client that answers every request with `body`.
    public init(_ body: @escaping @Sendable (HTTPRequest) async throws(CurlError) -> HTTPResponse) {
        self.body = body
    }

    public func send(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        try await body(request)
    }
}

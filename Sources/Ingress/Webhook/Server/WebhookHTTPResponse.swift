import NIOHTTP1

/// The handler's answer to one webhook request.
///
/// The HTTP core adds `Content-Length`, `X-Request-Id`, `Api-Version`, `Cache-Control: no-store` (unless set
/// here) and, when it closes the connection, `Connection: close`; any `Content-Length`, `Transfer-Encoding`,
/// `Connection` or `X-Request-Id` set here is replaced.
public struct WebhookHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields, in order.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]
    /// `true` when the request failed signature verification: the listener counts it in the
    /// verification-failure throttle for this source and client.
    public var verificationFailed: Bool

    /// Creates a response.
    public init(
        status: Int,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        verificationFailed: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.verificationFailed = verificationFailed
    }

    /// A JSON response with `Content-Type: application/json`.
    public static func json(_ status: Int, _ body: [UInt8], verificationFailed: Bool = false) -> WebhookHTTPResponse {
        WebhookHTTPResponse(
            status: status,
            headers: ["Content-Type": "application/json"],
            body: body,
            verificationFailed: verificationFailed
        )
    }
}

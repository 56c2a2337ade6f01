import NIOHTTP1

/// A response for the core to write.
///
/// The core sets `Content-Length`, `X-Request-Id`, the listener's fixed fields (`Api-Version`), `Cache-Control:
/// no-store` unless set here, and `Connection: close` when it closes; any `Content-Length`, `Transfer-Encoding`,
/// `Connection` or `X-Request-Id` set here is replaced.
public struct HTTPServerResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]
    /// Close the connection after this response.
    public var closeConnection: Bool

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }
}

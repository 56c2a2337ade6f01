/// One HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    /// The request method, upper case (`GET`, `POST`, ...).
    public var method: String
    /// The absolute URL. With `unixSocketPath` set, the host part only fills the `Host` header.
    public var url: String
    /// Request header fields, sent in order.
    public var headers: HTTPHeaders
    /// The request body; `nil` sends none (and no `Content-Length` for GET).
    public var body: [UInt8]?
    /// Connect through this Unix domain socket instead of TCP (`CURLOPT_UNIX_SOCKET_PATH`).
    public var unixSocketPath: String?
    /// Overrides the client's default total timeout for this request only.
    public var timeout: Duration?
    /// Whether sending this request twice is harmless (RFC 9110 §9.2.2). A non-idempotent request never rides a
    /// kept-alive connection: libcurl silently re-sends a request whose reused connection died before any answer
    /// byte, which for `POST /replay` would create a second run. Defaults from the method.
    public var isIdempotent: Bool

    /// Creates a request.
    public init(
        method: String,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        unixSocketPath: String? = nil,
        timeout: Duration? = nil,
        isIdempotent: Bool? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.unixSocketPath = unixSocketPath
        self.timeout = timeout
        self.isIdempotent = isIdempotent ?? ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"].contains(method)
    }
}

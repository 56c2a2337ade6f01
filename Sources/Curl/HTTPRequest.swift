/// One HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    /// Whether the request may ride a connection kept from an earlier request.
    public enum ConnectionReuse: Sendable, Equatable {
        /// An idempotent request takes a kept connection, and libcurl may send it again on a fresh one if the
        /// kept one dies before an answer. A non-idempotent request gets a new connection (no silent re-send).
        case automatic
        /// Take a kept connection, but never let libcurl send the request a second time once any byte of it
        /// was written: if the connection dies before an answer, the request fails with
        /// `CurlError.Code.resendRefused` (it counts as sent). For non-idempotent requests whose caller can
        /// reconcile an outcome it does not know, such as `POST /replay`: it saves a TCP and TLS handshake per
        /// request, at the price of an ambiguous failure when the server closes the kept connection just as the
        /// request goes out (a fresh connection would not have hit that race).
        case reuseWithoutResend
        /// Always a new connection.
        case fresh
    }

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
    /// Whether sending this request twice is harmless (RFC 9110 §9.2.2). With `.automatic` reuse a
    /// non-idempotent request never rides a kept-alive connection: libcurl silently re-sends a request whose
    /// reused connection died before any answer byte, which for `POST /replay` would create a second run.
    /// Defaults from the method.
    public var isIdempotent: Bool
    /// Whether the request may ride a kept connection. Default `.automatic`.
    public var connectionReuse: ConnectionReuse

    /// Creates a request.
    public init(
        method: String,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        unixSocketPath: String? = nil,
        timeout: Duration? = nil,
        isIdempotent: Bool? = nil,
        connectionReuse: ConnectionReuse = .automatic
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.unixSocketPath = unixSocketPath
        self.timeout = timeout
        self.isIdempotent = isIdempotent ?? ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"].contains(method)
        self.connectionReuse = connectionReuse
    }
}

/// An answer the core gives on its own, before a door sees the request: a limit was hit or the request could
/// not be read. The door renders it in its error shape (``HTTPDoor/render(_:context:)``).
public struct HTTPRefusal: Sendable, Equatable {
    /// Why the core refused.
    public enum Code: String, Sendable {
        /// The request line and headers are over `maxHeaderBytes` (431).
        case headersTooLarge = "request_header_fields_too_large"
        /// The body is, or declares to be, over `maxBodyBytes` (413).
        case payloadTooLarge = "payload_too_large"
        /// The head or the whole request did not arrive within its deadline (408).
        case requestTimeout = "request_timeout"
        /// The bytes are not HTTP/1.1 (400).
        case badRequest = "bad_request"
        /// The listener is at its connection limit, or is shutting down (503).
        case unavailable = "service_unavailable"
        /// This client already holds its share of the listener's connections (503).
        case tooManyConnections = "too_many_connections"

        /// The status code the refusal is answered with.
        public var status: Int {
            switch self {
            case .headersTooLarge: 431
            case .payloadTooLarge: 413
            case .requestTimeout: 408
            case .badRequest: 400
            case .unavailable, .tooManyConnections: 503
            }
        }
    }

    /// Why.
    public var code: Code
    /// A message for the client that names the limit.
    public var message: String
    /// Sent as `Retry-After` (whole seconds), for the 503s.
    public var retryAfterSeconds: Int?

    /// Creates a refusal.
    public init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }
}

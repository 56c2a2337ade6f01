/// The error a connection's inbound stream ends with when a request did not arrive in time.
struct HTTPDeadlineExceeded: Error, Sendable {
    /// Which deadline passed.
    enum Kind: Sendable {
        /// The head was not complete within `headTimeout` of the request's first byte.
        case head
        /// The request was not complete within `readTimeout` of its first byte.
        case read
    }

    var kind: Kind
}

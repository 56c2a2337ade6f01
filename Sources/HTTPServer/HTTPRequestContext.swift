import Logging

/// What the core tells a door about the request in hand.
public struct HTTPRequestContext: Sendable {
    /// The core's id for the request, also sent back as `X-Request-Id`.
    public var requestID: String
    /// A logger carrying `request_id` and the listener's connection metadata.
    public var logger: Logger

    /// Creates a context.
    public init(requestID: String, logger: Logger) {
        self.requestID = requestID
        self.logger = logger
    }
}

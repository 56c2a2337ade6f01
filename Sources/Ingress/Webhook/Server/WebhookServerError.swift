/// Why the webhook listener could not be configured or could not start.
public struct WebhookServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// A configuration value is out of range; the message names the field.
        case invalidConfiguration = "invalid_configuration"
        /// A `trusted_proxies` entry is not an IP address or CIDR block.
        case invalidCIDR = "invalid_cidr"
        /// A source name cannot appear in `/hooks/{source}`.
        case invalidSourceName = "invalid_source_name"
        /// The listening socket could not be bound.
        case bindFailed = "bind_failed"
    }

    /// What went wrong.
    public var code: Code
    /// A sentence for the operator.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

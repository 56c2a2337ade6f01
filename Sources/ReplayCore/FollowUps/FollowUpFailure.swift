/// Why a follow-up will never be posted: a stable code (audit, metrics) and plain words (never the destination).
public struct FollowUpFailure: Sendable, Hashable, CustomStringConvertible {
    /// The class of failure. Raw values are what the audit log records.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Its `notAfter` passed before it could be attempted.
        case expired
        /// The platform refused it with a status that retrying cannot change (4xx other than 429; Slack's 404
        /// `expired_url` / `used_url`, Discord's 404 unknown webhook), or an unexpected 1xx/3xx.
        case rejected
        /// Retryable failures (network, 5xx, 429) went on until the next try would be past `notAfter`.
        case gaveUp = "gave_up"
        /// The request could not be made at all (the URL was refused before any network activity).
        case invalidRequest = "invalid_request"
    }

    /// The class of failure.
    public var code: Code
    /// A sentence for operators.
    public var message: String

    /// Creates a failure.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

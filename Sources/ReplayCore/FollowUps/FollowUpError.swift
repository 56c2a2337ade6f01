/// An enqueue the outbox refused. Messages never carry the destination, the conversation or the body.
public struct FollowUpError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The conversation already holds as many follow-ups as the platform allows (Slack: 5 per `response_url`).
        case budgetExhausted = "budget_exhausted"
        /// The follow-up itself is malformed (empty id, not an `http(s)` URL, `notAfter` not after `createdAt`).
        case invalidFollowUp = "invalid_follow_up"
        /// The outbox could not store it (see ``StoreError``); the message says why.
        case storeFailed = "store_failed"
    }

    /// What was wrong.
    public var code: Code
    /// A sentence for operators.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

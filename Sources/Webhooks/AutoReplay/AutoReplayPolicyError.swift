/// An auto-replay policy that cannot be built from its configuration.
public struct AutoReplayPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// An error pattern is not a valid regular expression.
        case invalidPattern = "invalid_pattern"
        /// The status set is empty, or names a status Strait never replays.
        case invalidStatus = "invalid_status"
        /// `max_replays_per_run` is below 1, or the cooldown is negative.
        case invalidLimit = "invalid_limit"
    }

    /// What was wrong.
    public var code: Code
    /// Plain words naming the bad setting (and the pattern, for `invalid_pattern`).
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Why an ``AutoReplayPolicy`` did not replay a run: a stable code for the audit log and metrics, and a sentence
/// for people.
public struct AutoReplaySkipReason: Sendable, Hashable, CustomStringConvertible {
    /// The reason codes, in the order the policy checks them.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The run's status is not one the policy replays (for example `completed`, or `crashed` when only
        /// `failed` is configured).
        case statusNotEligible = "status_not_eligible"
        /// The run's error matches none of the configured patterns (or the run has no error text).
        case errorNotMatched = "error_not_matched"
        /// The lineage already had `max_replays_per_run` automatic replays. This is what stops a replay loop.
        case maxReplaysReached = "max_replays_reached"
        /// The last automatic replay in the lineage was less than `cooldown` ago.
        case coolingDown = "cooling_down"
    }

    /// The reason code.
    public var code: Code
    /// Plain words, such as `status "completed" is not one of: failed, timed_out`.
    public var message: String

    /// Creates a reason.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}

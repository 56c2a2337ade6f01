/// Decides, for a Strait run notification, whether replayd replays the run by itself.
///
/// The checks run in this order, and the first that fails gives the skip reason:
/// 1. the status is in ``statuses`` (`status_not_eligible`);
/// 2. the error text matches one of ``errorPatterns`` (`error_not_matched`; no patterns means any run, with or
///    without error text, qualifies);
/// 3. the lineage has had fewer than ``maxReplaysPerRun`` automatic replays (`max_replays_reached`);
/// 4. the last automatic replay of the lineage was at least ``cooldownSeconds`` ago (`cooling_down`).
///
/// Checks 3 and 4 count per *lineage* (see ``AutoReplayHistory``): a replay that fails again notifies replayd
/// about a new run, and the door maps it back to the original run, so a job that always fails is replayed at most
/// `maxReplaysPerRun` times and never faster than the cooldown. This is what prevents a replay loop.
///
/// The policy is a pure value: ``decide(_:history:now:)`` reads no clock and keeps no state.
public struct AutoReplayPolicy: Sendable, Hashable {
    /// The statuses Strait accepts for replay (`runs.go:554-561`); anything else gets `400 run is not replayable`.
    public static let replayableStatuses: Set<String> = ["failed", "timed_out", "crashed", "system_failed"]
    /// The statuses replayed when none are configured.
    public static let defaultStatuses: Set<String> = ["failed", "timed_out"]

    /// The run statuses that qualify.
    public let statuses: Set<String>
    /// Regular expressions (Swift `Regex` syntax) searched for anywhere in the error text; empty means any.
    /// Matching is case-sensitive unless a pattern starts with `(?i)`.
    public let errorPatterns: [String]
    /// The most automatic replays per lineage.
    public let maxReplaysPerRun: Int
    /// The least time between two automatic replays of one lineage, in seconds.
    public let cooldownSeconds: Int64

    /// Builds a policy, compiling every pattern once to reject bad ones early.
    ///
    /// - Parameters:
    ///   - statuses: default `failed`, `timed_out`; each must be one of ``replayableStatuses``.
    ///   - errorPatterns: default none (any error qualifies).
    ///   - maxReplaysPerRun: default 3; at least 1.
    ///   - cooldown: default 10 minutes; not negative. Fractions of a second are rounded up.
    /// - Throws: `invalid_status`, `invalid_pattern` (naming the pattern and its position), `invalid_limit`.
    public init(
        statuses: Set<String> = AutoReplayPolicy.defaultStatuses,
        errorPatterns: [String] = [],
        maxReplaysPerRun: Int = 3,
        cooldown: Duration = .seconds(600)
    ) throws(AutoReplayPolicyError) {
        guard !statuses.isEmpty else {
            throw AutoReplayPolicyError(code: .invalidStatus, message: "statuses: at least one status is needed")
        }
        let unreplayable = statuses.subtracting(Self.replayableStatuses).sorted()
        guard unreplayable.isEmpty else {
            throw AutoReplayPolicyError(
                code: .invalidStatus,
                message: "statuses: Strait never replays a run with status "
                    + unreplayable.map { "\"\($0)\"" }.joined(separator: ", ") + "; replayable statuses are "
                    + Self.replayableStatuses.sorted().joined(separator: ", ")
            )
        }
        for (index, pattern) in errorPatterns.enumerated() {
            do {
                _ = try Regex(pattern)
            } catch {
                throw AutoReplayPolicyError(
                    code: .invalidPattern,
                    message: "error_patterns[\(index)]: \(WebhookPayloadError.quoted(pattern)) is not a valid "
                        + "regular expression"
                )
            }
        }
        guard maxReplaysPerRun >= 1 else {
            throw AutoReplayPolicyError(
                code: .invalidLimit,
                message: "max_replays_per_run: must be at least 1, got \(maxReplaysPerRun)"
            )
        }
        let (seconds, attoseconds) = cooldown.components
        guard seconds >= 0, attoseconds >= 0 else {
            throw AutoReplayPolicyError(code: .invalidLimit, message: "cooldown: must not be negative")
        }
        self.statuses = statuses
        self.errorPatterns = errorPatterns
        self.maxReplaysPerRun = maxReplaysPerRun
        self.cooldownSeconds = seconds + (attoseconds > 0 ? 1 : 0)
    }

    /// Decides whether to replay `notification`'s run.
    ///
    /// - Parameters:
    ///   - notification: the verified, parsed notification.
    ///   - history: the automatic replays already made in the run's lineage.
    ///   - now: the current time in unix seconds (passed in, so the decision is reproducible).
    public func decide(
        _ notification: StraitRunNotification,
        history: AutoReplayHistory,
        now: Int64
    ) -> AutoReplayDecision {
        guard statuses.contains(notification.status) else {
            return .skip(
                AutoReplaySkipReason(
                    code: .statusNotEligible,
                    message: "status \(WebhookPayloadError.quoted(notification.status)) is not one of: "
                        + statuses.sorted().joined(separator: ", ")
                )
            )
        }
        if !errorPatterns.isEmpty {
            guard let error = notification.error else {
                return .skip(
                    AutoReplaySkipReason(
                        code: .errorNotMatched,
                        message: "the run has no error text, and error patterns are configured"
                    )
                )
            }
            guard errorPatterns.contains(where: { Self.matches($0, in: error) }) else {
                return .skip(
                    AutoReplaySkipReason(
                        code: .errorNotMatched,
                        message: "the run's error matches none of the \(errorPatterns.count) configured patterns"
                    )
                )
            }
        }
        guard history.automaticReplays < maxReplaysPerRun else {
            return .skip(
                AutoReplaySkipReason(
                    code: .maxReplaysReached,
                    message: "run \(history.originalRunID) was already replayed automatically "
                        + "\(history.automaticReplays) times (limit \(maxReplaysPerRun))"
                )
            )
        }
        if let last = history.lastReplayAt {
            let elapsed = now - last
            guard elapsed >= cooldownSeconds else {
                let wait = cooldownSeconds - max(elapsed, 0)
                return .skip(
                    AutoReplaySkipReason(
                        code: .coolingDown,
                        message: "the last automatic replay of run \(history.originalRunID) was \(max(elapsed, 0))s "
                            + "ago; the cooldown is \(cooldownSeconds)s (\(wait)s left)"
                    )
                )
            }
        }
        return .replay(number: history.automaticReplays + 1)
    }

    private static func matches(_ pattern: String, in text: String) -> Bool {
        // Compiled again here because `Regex` is not `Sendable`; `init` proved every pattern compiles.
        guard let regex = try? Regex(pattern) else { return false }
        return text.contains(regex)
    }
}

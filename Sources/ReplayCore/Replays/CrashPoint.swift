#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A testing hook for crash recovery: when `REPLAYD_CRASH_AT` names a phase, replayd kills itself with SIGKILL the
/// first time a replay reaches it, exactly like `kill -9` at that moment. Never set it in production.
public struct CrashPoint: Sendable, Hashable {
    /// The phases of a replay where a crash is tested.
    public enum Phase: String, Sendable, CaseIterable {
        /// The idempotency key is claimed (record durable), nothing sent.
        case afterClaim = "after_claim"
        /// The attempt (its request id) is durable; the request is about to be sent.
        case afterAttemptRecorded = "after_attempt_recorded"
        /// Strait's response arrived; nothing about it is recorded yet.
        case afterResponse = "after_response"
        /// The outcome is known; the answer is about to be written to the caller (a created run's outcome may
        /// still be on its way to the disk).
        case beforeAnswer = "before_answer"
        /// Not a crash by itself: a replay that created a run is answered and its outcome is never committed, so
        /// that a test can kill the process between the answer and the commit.
        case outcomeNeverCommitted = "outcome_never_committed"
    }

    /// The phase to crash at, or `nil` (the default: never).
    public let phase: Phase?

    /// Never crashes.
    public static let none = CrashPoint(phase: nil)

    /// Creates a hook.
    public init(phase: Phase?) {
        self.phase = phase
    }

    /// The hook named by `REPLAYD_CRASH_AT` in `environment`.
    public init(environment: [String: String]) {
        self.phase = environment["REPLAYD_CRASH_AT"].flatMap(Phase.init(rawValue:))
    }

    /// Kills the process if `phase` is the configured one.
    public func reached(_ phase: Phase) {
        guard self.phase == phase else { return }
        kill(getpid(), SIGKILL)
    }
}

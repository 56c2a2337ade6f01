import Curl

/// What to do after an attempt, as decided by ``RetrySchedule``.
public enum RetryDecision: Sendable, Hashable, CustomStringConvertible {
    /// Why the caller should stop.
    public enum GiveUpReason: Sendable, Hashable, CustomStringConvertible {
        /// Strait refused the request for a reason that will not change (400, 401, 403, 404, 406, 409, 415, 422…).
        case refused(status: Int, code: String)
        /// The input was refused locally.
        case invalidInput
        /// A local failure that retrying cannot fix (bad URL, insecure URL) or the caller went away.
        case notRetryable(CurlError.Code)
        /// Every allowed attempt has been made.
        case attemptsExhausted(attempts: Int)
        /// The wait before the next attempt would end after the overall deadline. `wait` is what the schedule
        /// wanted (use it as our own `Retry-After`), `remaining` what was left of the deadline.
        case deadlineExceeded(wait: Duration, remaining: Duration)

        public var description: String {
            switch self {
            case .refused(let status, let code): return "Strait refused the replay (\(status) \(code))"
            case .invalidInput: return "the request was invalid"
            case .notRetryable(let code): return "the attempt failed locally (\(code)) and retrying cannot help"
            case .attemptsExhausted(let attempts):
                return "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s")"
            case .deadlineExceeded(let wait, let remaining):
                return "the next attempt would wait \(wait), past the deadline (\(remaining) left)"
            }
        }
    }

    /// The replay happened; nothing more to do.
    case succeeded
    /// Attempt again after `after`. Nothing was created, so resending is safe.
    case retry(after: Duration)
    /// A run may exist. Do not resend: look the run up by its request id, and resend only if none exists.
    case reconcile(AmbiguityReason)
    /// Stop, for `reason`.
    case giveUp(GiveUpReason)

    public var description: String {
        switch self {
        case .succeeded: return "succeeded"
        case .retry(let delay): return "retry after \(delay)"
        case .reconcile(let reason): return "reconcile before any resend: \(reason)"
        case .giveUp(let reason): return "give up: \(reason)"
        }
    }
}

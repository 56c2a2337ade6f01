import Curl
import Strait

/// What one `POST /v1/runs/{id}/replay` attempt proved about Strait's state. Replay is not idempotent, so the
/// only question that matters for a retry is "could a run exist now?" (spec §4).
///
/// Produced by ``AttemptClassifier``; consumed by ``RetrySchedule``, ``RetryBudget`` and ``CircuitBreaker``.
public enum AttemptClass: Sendable, Hashable, CustomStringConvertible {
    /// A 2xx whose body decoded as a run: the replay happened.
    case created
    /// Strait answered with a refusal raised before the enqueue (spec §2 rows 1–7, 9–16): provably no run.
    /// `retryable` says whether the same request can succeed later (429 rate limits, 503 limiter outage);
    /// `retryAfter` is the server's `Retry-After`, when it sent one.
    case refused(status: Int, code: String, retryAfter: RetryAfter?, retryable: Bool)
    /// The transfer failed before any request byte was written: Strait cannot have seen it, retrying is safe.
    case notSent(CurlError.Code)
    /// The outcome is unknown: a run may exist. Never resend without reconciling first.
    case ambiguous(reason: AmbiguityReason)
    /// The input was refused locally, before any network call (a bad run id or checkpoint).
    case invalidInput(StraitInputError)

    public var description: String {
        switch self {
        case .created: return "created"
        case .refused(let status, let code, _, let retryable):
            return "refused \(status) \(code)\(retryable ? " (retryable)" : "")"
        case .notSent(let code): return "not sent (\(code))"
        case .ambiguous(let reason): return "ambiguous: \(reason)"
        case .invalidInput(let error): return "invalid input: \(error.message)"
        }
    }
}

extension CurlError.Code {
    /// Failures that say nothing about the upstream and never get better by retrying: the request was refused
    /// locally, or the caller or the client went away.
    var isLocal: Bool {
        self == .invalidRequest || self == .insecureURL || self == .cancelled || self == .shutdown
    }
}

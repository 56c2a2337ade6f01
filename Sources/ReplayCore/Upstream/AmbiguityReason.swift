import Curl
import Strait

/// Why an attempt's outcome is unknown: Strait may or may not have created a run, so the request must not be
/// resent blindly. Reconcile first (find the run by its `X-Request-Id`, stored as `_sentry_request_id`).
public enum AmbiguityReason: Sendable, Hashable, CustomStringConvertible {
    /// The request was sent, then the transfer failed: a timeout, a reset, an empty reply.
    case noResponse(CurlError.Code)
    /// A 5xx that can fire after the enqueue committed: 500 (rows 8, 12, 15, 18, 19 are indistinguishable),
    /// 502, 504, and any 5xx that is not Strait's own 503 envelope.
    case serverError(status: Int)
    /// 429 `database admission control throttled`: row 1 (before anything) and row 8 (at commit time, after a
    /// successful enqueue) send the same answer, so it cannot be told apart.
    case admissionThrottled(retryAfter: RetryAfter?)
    /// A 2xx whose body is not a run: the run exists, but we do not know its id.
    case undecodableSuccess(status: Int)

    public var description: String {
        switch self {
        case .noResponse(let code): return "sent, then no response (\(code))"
        case .serverError(let status): return "Strait answered \(status) after the request may have been applied"
        case .admissionThrottled: return "429 database admission control throttled (may follow a committed enqueue)"
        case .undecodableSuccess(let status): return "Strait answered \(status) with a body that is not a run"
        }
    }
}

/// The rate-limit stage's verdict on one request: every policy it was checked against, and when refused, which
/// policy refused it and when to try again.
public struct RateLimitDecision: Sendable {
    /// Each policy that applied, in the order checked (for the response fields).
    public var statuses: [RateLimitStatus]
    /// The policy that refused the request; `nil` when it passed.
    public var refusedBy: String?
    /// When refused: how long until a retry may pass.
    public var retryAfter: Duration?
    /// The charges taken, so that a request answered without any work can be given back (``RateLimiter/refund(_:)``).
    let charges: [RateLimiter.Charge]

    /// Whether the request passed.
    public var allowed: Bool { refusedBy == nil }

    /// `Retry-After` in whole seconds, rounded up, at least 1; `nil` when the request passed.
    public var retryAfterSeconds: Int? {
        guard let retryAfter else { return nil }
        return max(1, RateLimitStatus.seconds(ceilingOf: RateLimit.nanoseconds(retryAfter)))
    }

    /// A decision that checked nothing (limits off).
    public static let unlimited = RateLimitDecision(statuses: [], refusedBy: nil, retryAfter: nil, charges: [])
}

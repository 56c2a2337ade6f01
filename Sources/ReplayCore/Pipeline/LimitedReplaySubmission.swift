/// A submission and the rate-limit verdict that let it in (or refused it), so a door can send the `RateLimit`
/// fields and `Retry-After`.
public struct LimitedReplaySubmission: Sendable {
    /// What the engine (or an earlier stage) answered.
    public var submission: ReplaySubmission
    /// The rate-limit stage's verdict; `nil` when the request did not reach it (refused by policy) or no limiter
    /// is configured.
    public var rateLimit: RateLimitDecision?
    /// `Retry-After` in whole seconds for a refusal by the limits (rate or in-flight cap).
    public var retryAfterSeconds: Int?

    /// Creates one.
    public init(_ submission: ReplaySubmission, rateLimit: RateLimitDecision? = nil, retryAfterSeconds: Int? = nil) {
        self.submission = submission
        self.rateLimit = rateLimit
        self.retryAfterSeconds = retryAfterSeconds
    }
}

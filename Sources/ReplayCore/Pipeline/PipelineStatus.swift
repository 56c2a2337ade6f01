/// What the pipeline knows about its upstream and its work right now, for status routes: doors read this
/// instead of reaching into the engine.
public struct PipelineStatus: Sendable, Hashable {
    /// The upstream's base URL.
    public var upstreamBaseURL: String
    /// The circuit breaker's state (`closed`, `open`, `half_open`), or `nil` without upstream guards.
    public var breaker: String?
    /// The rate limit learned from Strait (`X-RateLimit-Limit`), if any.
    public var rateLimit: Int?
    /// The latest `X-RateLimit-Remaining`, if any.
    public var rateLimitRemaining: Int?
    /// How many replays this process is driving now.
    public var activeReplays: Int

    /// Creates a status value.
    public init(
        upstreamBaseURL: String,
        breaker: String?,
        rateLimit: Int?,
        rateLimitRemaining: Int?,
        activeReplays: Int
    ) {
        self.upstreamBaseURL = upstreamBaseURL
        self.breaker = breaker
        self.rateLimit = rateLimit
        self.rateLimitRemaining = rateLimitRemaining
        self.activeReplays = activeReplays
    }
}

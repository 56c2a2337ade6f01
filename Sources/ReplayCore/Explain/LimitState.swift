/// One limit's state for a request, as explain shows it: a limiter's quota, its window, what is left, and when
/// the next request would be let through when nothing is.
public struct LimitState: Sendable, Hashable {
    /// The limit's name (for example `principal:alice` or a `[limits]` rule name).
    public var name: String
    /// Requests allowed per window.
    public var quota: Int
    /// The window the quota applies to.
    public var window: Duration
    /// Requests left now (0: this one would be refused).
    public var remaining: Int
    /// When `remaining` is 0: how long until one more request is allowed.
    public var retryAfter: Duration?

    /// Creates a state.
    public init(name: String, quota: Int, window: Duration, remaining: Int, retryAfter: Duration?) {
        self.name = name
        self.quota = quota
        self.window = window
        self.remaining = remaining
        self.retryAfter = retryAfter
    }

    /// Whether this limit would refuse the request now (429).
    public var refuses: Bool { remaining <= 0 }
}

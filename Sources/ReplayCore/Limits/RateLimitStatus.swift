/// Where one policy stands after a request, for the `RateLimit-Policy` and `RateLimit` response fields.
public struct RateLimitStatus: Sendable, Hashable {
    /// The policy's name in the fields (`principal`, `source`, `run`, `global`, `reads`).
    public var name: String
    /// The limit in force.
    public var limit: RateLimit
    /// Requests that would pass right now (`r`).
    public var remaining: Int
    /// Whole seconds, rounded up, until the full burst is available again (`t`).
    public var resetSeconds: Int

    /// Creates a status.
    public init(name: String, limit: RateLimit, remaining: Int, resetSeconds: Int) {
        self.name = name
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
    }

    /// Nanoseconds rounded up to whole seconds.
    static func seconds(ceilingOf nanoseconds: Int64) -> Int {
        Int(max(0, (nanoseconds + 999_999_999) / 1_000_000_000))
    }
}

/// A token bucket's shape: `burst` requests at once, refilled at `ratePerSecond`.
public struct PreAuthLimit: Sendable, Hashable {
    /// Tokens added per second; must be positive and finite.
    public var ratePerSecond: Double
    /// The bucket's size: the most requests admitted at once after a quiet spell; at least 1.
    public var burst: Int

    /// Creates a limit. The default (10/s, burst 40) is far above what a chat workspace or CI sends, and far
    /// below what would let a flood reach signature verification.
    public init(ratePerSecond: Double = 10, burst: Int = 40) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }
}

/// When the verification-failure throttle blocks a (source, client) pair, and for how long.
///
/// `threshold` failed verifications within `window` start a block of `initialBlock`; each further block of the
/// same pair doubles, up to `maxBlock`. A successful verification clears the pair's record; so does
/// `forgetAfter` without a failure.
public struct FailureThrottlePolicy: Sendable, Hashable {
    /// Failures within `window` that start a block; at least 1.
    public var threshold: Int
    /// The sliding window failures are counted in.
    public var window: Duration
    /// The first block's length.
    public var initialBlock: Duration
    /// The longest block; doubling stops here.
    public var maxBlock: Duration
    /// A pair with no failure for this long is forgotten, and its next block starts at `initialBlock` again.
    public var forgetAfter: Duration
    /// The most pairs remembered at once. Beyond it, the pairs that are not blocked and failed longest ago are
    /// forgotten first, so a spray of addresses costs bounded memory.
    public var maxTrackedClients: Int

    /// Creates a policy. Defaults: 5 failures within 60 s block for 60 s, then 2, 4, 8 ... minutes, at most 1 h;
    /// forgotten after 24 h quiet; 10 000 pairs.
    public init(
        threshold: Int = 5,
        window: Duration = .seconds(60),
        initialBlock: Duration = .seconds(60),
        maxBlock: Duration = .seconds(3600),
        forgetAfter: Duration = .seconds(86_400),
        maxTrackedClients: Int = 10_000
    ) {
        self.threshold = threshold
        self.window = window
        self.initialBlock = initialBlock
        self.maxBlock = maxBlock
        self.forgetAfter = forgetAfter
        self.maxTrackedClients = maxTrackedClients
    }

    /// The length of the `number`th block (1-based) of one pair: `initialBlock` doubled `number - 1` times,
    /// at most `maxBlock`.
    public func blockDuration(forBlockNumber number: Int) -> Duration {
        var duration = initialBlock
        var remaining = max(0, number - 1)
        while remaining > 0, duration < maxBlock {
            duration = duration * 2
            remaining -= 1
        }
        return min(duration, maxBlock)
    }
}

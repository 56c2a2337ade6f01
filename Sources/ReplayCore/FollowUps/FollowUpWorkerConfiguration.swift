/// Timing and limits of the ``FollowUpWorker``.
public struct FollowUpWorkerConfiguration: Sendable, Hashable {
    /// The longest wait between passes when nothing is due sooner (a `wake()` cuts it short). Default 5 s.
    public var pollInterval: Duration
    /// The most follow-ups one pass takes from the outbox. Default 32.
    public var batchSize: Int
    /// The most posts in flight at once (each to a different conversation). Default 8.
    public var maxConcurrentPosts: Int
    /// The total timeout of one POST. Default 10 s.
    public var requestTimeout: Duration
    /// The backoff scale: retry `n` waits between half and all of `min(backoffCap, backoffBase · 2^(n−1))`
    /// ("equal jitter": never less than half, so a dead endpoint is not hammered). Default 1 s.
    public var backoffBase: Duration
    /// The backoff cap. Default 60 s.
    public var backoffCap: Duration
    /// The bounds a `Retry-After` (429, 5xx) is clamped to. Default 1 s … 10 min.
    public var retryAfterRange: ClosedRange<Duration>
    /// The largest fraction of a `Retry-After` added as jitter, in [0, 1]. Default 0.1.
    public var retryAfterJitter: Double
    /// How long delivered and failed follow-ups are kept (they also stay until their `notAfter`). Default 24 h.
    public var retention: Duration
    /// How often the worker prunes. Default 10 min.
    public var pruneInterval: Duration

    /// Creates a configuration; the defaults are above. Counts below 1 are raised to 1, a `pollInterval` below
    /// 10 ms to 10 ms, and `retryAfterJitter` is clamped to [0, 1].
    public init(
        pollInterval: Duration = .seconds(5),
        batchSize: Int = 32,
        maxConcurrentPosts: Int = 8,
        requestTimeout: Duration = .seconds(10),
        backoffBase: Duration = .seconds(1),
        backoffCap: Duration = .seconds(60),
        retryAfterRange: ClosedRange<Duration> = .seconds(1)...(.seconds(600)),
        retryAfterJitter: Double = 0.1,
        retention: Duration = .seconds(24 * 3600),
        pruneInterval: Duration = .seconds(600)
    ) {
        self.pollInterval = max(pollInterval, .milliseconds(10))
        self.batchSize = max(batchSize, 1)
        self.maxConcurrentPosts = max(maxConcurrentPosts, 1)
        self.requestTimeout = requestTimeout
        self.backoffBase = max(backoffBase, .zero)
        self.backoffCap = max(backoffCap, .zero)
        self.retryAfterRange = retryAfterRange
        self.retryAfterJitter = min(max(retryAfterJitter, 0), 1)
        self.retention = max(retention, .zero)
        self.pruneInterval = pruneInterval
    }
}

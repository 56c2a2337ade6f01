/// The engine's timing and policy settings (from `[replays]` and `[upstream]`).
public struct ReplayEngineSettings: Sendable, Hashable {
    /// How long a synchronous caller waits before getting 202 `outcome_pending`.
    public var wait: Duration
    /// Coalescing window; zero turns coalescing off.
    public var coalesceWindow: Duration
    /// How long replays that created nothing are retried before giving up.
    public var deadline: Duration
    /// How long ambiguous replays are reconciled automatically.
    public var reconcileHorizon: Duration
    /// Retry backoff for attempts (full jitter).
    public var retry: RetryPolicy
    /// Backoff between reconciliation rounds (full jitter).
    public var reconcileBackoff: RetryPolicy
    /// The longest `Retry-After` honoured.
    public var maxRetryAfter: Duration
    /// The per-attempt timeout given to the HTTP client.
    public var attemptTimeout: Duration?
    /// How long after an attempt was sent Strait may still be working on it (its own request timeout, 30 s by
    /// default, plus a margin). A lookup that finds no run for an attempt that went unanswered is conclusive only
    /// once this has passed; before, the request may still be about to create the run.
    public var reconcileSettle: Duration

    /// Creates settings.
    public init(
        wait: Duration = .seconds(30),
        coalesceWindow: Duration = .seconds(600),
        deadline: Duration = .seconds(600),
        reconcileHorizon: Duration = .seconds(3600),
        retry: RetryPolicy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(250), maxDelay: .seconds(30)),
        reconcileBackoff: RetryPolicy = RetryPolicy(maxAttempts: 1000, baseDelay: .seconds(1), maxDelay: .seconds(60)),
        maxRetryAfter: Duration = .seconds(600),
        attemptTimeout: Duration? = nil,
        reconcileSettle: Duration = .seconds(35)
    ) {
        self.wait = wait
        self.coalesceWindow = coalesceWindow
        self.deadline = deadline
        self.reconcileHorizon = reconcileHorizon
        self.retry = retry
        self.reconcileBackoff = reconcileBackoff
        self.maxRetryAfter = maxRetryAfter
        self.attemptTimeout = attemptTimeout
        self.reconcileSettle = reconcileSettle
    }
}

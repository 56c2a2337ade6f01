/// `[replays]`: exactly-once behaviour: how long idempotency records live, coalescing, how long a synchronous
/// caller waits, and how long ambiguous replays are reconciled automatically.
public struct ReplaysConfig: Sendable, Hashable {
    /// `retention`: how long a finished record (and so its idempotency key) is kept. Default 24 h; 1 min to 30 days.
    public var retention: Duration
    /// `coalesce_window`: a replay of the same run and checkpoint within this window returns the first replay's
    /// run, marked coalesced. Default 10 min; `"0s"` turns coalescing off.
    public var coalesceWindow: Duration
    /// `wait`: how long a synchronous caller waits for the outcome before getting 202 `outcome_pending`.
    /// Default 30 s.
    public var wait: Duration
    /// `deadline`: how long replayd keeps retrying a replay that provably created nothing (backoff,
    /// `Retry-After`) before it gives up. Default 10 min.
    public var deadline: Duration
    /// `reconcile_horizon`: how long an ambiguous replay is looked up automatically before it becomes
    /// `indeterminate` and waits for an operator (`replayctl resolve`). Default 1 h.
    public var reconcileHorizon: Duration
    /// `reconcile_settle`: after an attempt that got no answer, a lookup that finds no run counts only once this
    /// long has passed since the attempt was sent (Strait may still be processing it). Set it above Strait's
    /// request timeout (`REQUEST_TIMEOUT`, 30 s by default). Default 35 s.
    public var reconcileSettle: Duration = .seconds(35)
    /// `reconcile_max_delay`: the longest wait between two reconciliation rounds (backoff with jitter from 1 s).
    /// Default 60 s.
    public var reconcileMaxDelay: Duration
    /// `max_retry_after`: the longest `Retry-After` honoured; longer waits are clamped. Default 10 min.
    public var maxRetryAfter: Duration
    /// `prune_interval`: how often expired records are deleted in the background. Default 10 min.
    public var pruneInterval: Duration
    /// `max_rpc_batch`: the most calls in one JSON-RPC batch. Default 1000.
    public var maxRPCBatch: Int
    /// `breaker_failures`: consecutive upstream failures that open the circuit breaker. Default 5.
    public var breakerFailures: Int
    /// `breaker_open_time`: how long the breaker stays open the first time (doubling up to 10×). Default 30 s.
    public var breakerOpenTime: Duration
    /// `shutdown_grace`: on SIGTERM, how long replays in flight may take to reach a durable point (an attempt
    /// already sent gets its answer recorded) before their drivers are cancelled. Whatever is unfinished resumes
    /// at the next start. Default 10 s; `"0s"` cancels at once.
    public var shutdownGrace: Duration = .seconds(10)

    /// Creates the section with the defaults above.
    public init(
        retention: Duration = .seconds(86_400),
        coalesceWindow: Duration = .seconds(600),
        wait: Duration = .seconds(30),
        deadline: Duration = .seconds(600),
        reconcileHorizon: Duration = .seconds(3600),
        reconcileMaxDelay: Duration = .seconds(60),
        maxRetryAfter: Duration = .seconds(600),
        pruneInterval: Duration = .seconds(600),
        maxRPCBatch: Int = 1000,
        breakerFailures: Int = 5,
        breakerOpenTime: Duration = .seconds(30)
    ) {
        self.retention = retention
        self.coalesceWindow = coalesceWindow
        self.wait = wait
        self.deadline = deadline
        self.reconcileHorizon = reconcileHorizon
        self.reconcileMaxDelay = reconcileMaxDelay
        self.maxRetryAfter = maxRetryAfter
        self.pruneInterval = pruneInterval
        self.maxRPCBatch = maxRPCBatch
        self.breakerFailures = breakerFailures
        self.breakerOpenTime = breakerOpenTime
    }
}

/// Where the pacer's calls draw from, beyond its own schedule: the seam between ``UpstreamPacer`` and a budget
/// shared by every replayd instance using one API key.
///
/// Strait's rate limit is per API key, so a fleet of instances must share one budget. ``LocalUpstreamBudget``
/// (one instance, SQLite) adds nothing to the pacer's own schedule; ``PostgresUpstreamBudget`` keeps one GCRA
/// state per key in PostgreSQL for the whole fleet.
public protocol UpstreamBudget: Sendable {
    /// Waits until the shared budget lets one more call go. Called by the pacer once its own schedule let the
    /// call go.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func admit() async throws(CancellationError) -> UpstreamBudgetGrant

    /// Shares what the answer to a granted call said (limit, remaining, reset, a pause). Never blocks the caller.
    func learn(_ observation: UpstreamBudgetObservation)

    /// The shared budget's state, for status pages and metrics; `nil` when there is no shared budget.
    func state() async -> UpstreamBudgetState?
}

/// One call let through by an ``UpstreamBudget``.
public struct UpstreamBudgetGrant: Sendable, Hashable {
    /// The call's place in the order the shared budget let calls through (`nil` for a local budget).
    public var sequence: Int64?

    /// Creates a grant.
    public init(sequence: Int64?) {
        self.sequence = sequence
    }

    /// The grant of a budget that is not shared.
    public static let local = UpstreamBudgetGrant(sequence: nil)
}

/// What one answer from Strait says about the budget.
public struct UpstreamBudgetObservation: Sendable, Hashable {
    /// The grant of the call this answers.
    public var grant: UpstreamBudgetGrant
    /// The HTTP status.
    public var status: Int
    /// `X-RateLimit-Limit`, if the answer had it.
    public var limit: Int?
    /// `X-RateLimit-Remaining`, if the answer had it.
    public var remaining: Int?
    /// `X-RateLimit-Reset` (Unix seconds), if the answer had it.
    public var resetAt: Int64?
    /// The pause every call must take from now (a 429 or 503 and its `Retry-After`, as the pacer read it).
    public var pause: Duration?

    /// Creates an observation.
    public init(
        grant: UpstreamBudgetGrant,
        status: Int,
        limit: Int? = nil,
        remaining: Int? = nil,
        resetAt: Int64? = nil,
        pause: Duration? = nil
    ) {
        self.grant = grant
        self.status = status
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
        self.pause = pause
    }
}

/// The shared budget's state for status pages and metrics.
public struct UpstreamBudgetState: Sendable, Hashable {
    /// The learned limit per window, or `nil` before any answer carried one.
    public var limit: Int?
    /// `X-RateLimit-Remaining` of the newest answer that had it.
    public var remaining: Int?
    /// `X-RateLimit-Reset` of the newest answer that had it (Unix seconds).
    public var resetAt: Int64?
    /// Time left in a shared pause, or `nil`.
    public var pausedFor: Duration?
    /// Calls the shared budget has let through, fleet-wide.
    public var granted: Int64
    /// Whether the last admission reached the database (`false`: calls wait, failing closed).
    public var reachable: Bool

    /// Creates a state.
    public init(
        limit: Int?,
        remaining: Int?,
        resetAt: Int64?,
        pausedFor: Duration?,
        granted: Int64,
        reachable: Bool
    ) {
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
        self.pausedFor = pausedFor
        self.granted = granted
        self.reachable = reachable
    }

    /// Nothing learned and nothing granted yet (`reachable: false`: the database could not be read).
    public static func unknown(reachable: Bool) -> UpstreamBudgetState {
        UpstreamBudgetState(limit: nil, remaining: nil, resetAt: nil, pausedFor: nil, granted: 0, reachable: reachable)
    }
}

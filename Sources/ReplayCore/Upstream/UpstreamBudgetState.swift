/// The fleet's shared pacing schedule (``PostgresUpstreamBudget``) as status pages and metrics show it.
public struct UpstreamBudgetState: Sendable, Hashable {
    /// The learned limit per window, or `nil` before any answer carried one.
    public var limit: Int?
    /// `X-RateLimit-Remaining` of the newest answer that had it.
    public var remaining: Int?
    /// How long until Strait's current window must have ended, while the schedule knows a bound for it.
    public var windowEndsIn: Duration?
    /// Time left in a shared pause, or `nil`.
    public var pausedFor: Duration?
    /// Calls the shared schedule has let through, fleet-wide.
    public var granted: Int64
    /// Whether the last decision reached the database (`false`: calls wait, failing closed).
    public var reachable: Bool

    /// Creates a state.
    public init(
        limit: Int?,
        remaining: Int?,
        windowEndsIn: Duration?,
        pausedFor: Duration?,
        granted: Int64,
        reachable: Bool
    ) {
        self.limit = limit
        self.remaining = remaining
        self.windowEndsIn = windowEndsIn
        self.pausedFor = pausedFor
        self.granted = granted
        self.reachable = reachable
    }

    /// Nothing learned and nothing granted yet (`reachable: false`: the database could not be read).
    public static func unknown(reachable: Bool) -> UpstreamBudgetState {
        UpstreamBudgetState(
            limit: nil,
            remaining: nil,
            windowEndsIn: nil,
            pausedFor: nil,
            granted: 0,
            reachable: reachable
        )
    }
}

/// Where ``UpstreamPacer``'s schedule lives: in this process (``LocalScheduleHome``, one instance), or in a
/// database row that every instance using the API key shares (``PostgresUpstreamBudget``, a fleet). Strait's
/// rate limit is per key, so a fleet must pace as one: every decision of every instance runs on one schedule.
protocol PacingScheduleHome: Sendable {
    /// Runs `decision` on the schedule at `now` on the home's time base, atomically with every other decision
    /// (in a fleet: every instance's), and returns what it decided. While the home cannot be reached it waits,
    /// retrying: no decision, no call (failing closed).
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func decide<Result: Sendable>(
        _ decision: @escaping @Sendable (inout PacingSchedule, Duration) -> Result
    ) async throws(CancellationError) -> Result

    /// Applies `change` (an answer learned, a call abandoned or given back) before the next decision, without
    /// holding the caller. A change that cannot be written is dropped: the call it concerns stays counted as
    /// out until the schedule forgets it, a window later, which only slows calls down.
    func apply(_ change: @escaping @Sendable (inout PacingSchedule, Duration) -> Void)

    /// A caller of this instance starts waiting for its turn.
    func enter()

    /// A caller of this instance stops waiting (it got its turn, or was cancelled).
    func leave()

    /// `body` on the schedule as this instance last saw it, and the home's `now`; `nil` before it saw any.
    func peek<Result>(_ body: (PacingSchedule, Duration) -> Result) -> Result?

    /// The shared budget's state for status pages; `nil` when the schedule is not shared.
    func state() async -> UpstreamBudgetState?
}

/// The budget of a single instance: nothing beyond the pacer's own schedule, so the pacer behaves exactly as it
/// does alone (no wait, no I/O).
public struct LocalUpstreamBudget: UpstreamBudget {
    /// Creates the budget.
    public init() {}

    public func admit() async throws(CancellationError) -> UpstreamBudgetGrant { .local }

    public func learn(_ observation: UpstreamBudgetObservation) {}

    public func state() async -> UpstreamBudgetState? { nil }
}

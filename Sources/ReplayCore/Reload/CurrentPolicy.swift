/// The policy and record visibility in force at each call (``ReloadableState``), so a reload that changes
/// `[[grants]]` or `[[principals]]` applies to the next request without a restart. A request reads it once per
/// stage; a replay already past authorize keeps the decision it got.
public struct CurrentPolicy: ReplayPolicy, RecordVisibility {
    private let inForce: @Sendable () -> GrantPolicy
    private let runs: (any RunLookup)?

    /// Creates the policy; `policy` returns the grants in force, which read runs through `runs`.
    public init(runs: (any RunLookup)?, policy: @escaping @Sendable () -> GrantPolicy) {
        self.inForce = policy
        self.runs = runs
    }

    private func policy() -> GrantPolicy {
        inForce().using(runs: runs)
    }

    public func authorize(
        _ principal: Principal,
        _ request: ReplayRequest
    ) async throws(ReplayError) -> ReplayAuthorization {
        try await policy().authorize(principal, request)
    }

    public func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {
        try policy().authorize(principal, action: action, door: door)
    }

    public func decide(_ principal: Principal, _ request: ReplayRequest) async -> PolicyVerdict {
        await policy().decide(principal, request)
    }

    public func decide(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) -> PolicyVerdict {
        policy().decide(principal, action: action, door: door)
    }

    public func scope(for principal: Principal, door: RequestOrigin.Door) -> RecordScope {
        policy().scope(for: principal, door: door)
    }

    public func owners(visibleTo principal: Principal, door: RequestOrigin.Door) -> [String] {
        policy().owners(visibleTo: principal, door: door)
    }

    public func canResolve(_ record: ReplayRecord, principal: Principal, door: RequestOrigin.Door) -> Bool {
        policy().canResolve(record, principal: principal, door: door)
    }
}

/// A `ReplayPolicy` that delegates to the policy in force at each call (``ReloadableState``), so a reload that
/// changes the policy (grants) applies to the next request without a restart.
public struct CurrentPolicy: ReplayPolicy {
    private let policy: @Sendable () -> any ReplayPolicy

    /// Creates the policy; `policy` returns the one in force.
    public init(policy: @escaping @Sendable () -> any ReplayPolicy) {
        self.policy = policy
    }

    public func authorize(_ principal: Principal, _ request: ReplayRequest) throws(ReplayError) {
        try policy().authorize(principal, request)
    }

    public func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {
        try policy().authorize(principal, action: action, door: door)
    }
}

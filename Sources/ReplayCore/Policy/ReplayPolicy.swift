/// The authorize stage: may this principal make this request, or take this action? Doors never contain policy;
/// they ask the pipeline, which asks this seam. ``GrantPolicy`` is the daemon's.
public protocol ReplayPolicy: Sendable {
    /// Returns what the authorization established (the grant that allowed the replay, the run's facts) when the
    /// replay is allowed; throws `ReplayError` with code `forbidden` otherwise (or the error of a run lookup
    /// that a grant scoped by project or job needed).
    func authorize(_ principal: Principal, _ request: ReplayRequest) async throws(ReplayError) -> ReplayAuthorization
    /// Returns normally when `principal` may take `action` (other than a replay) through `door`; throws
    /// `ReplayError` with code `forbidden` otherwise.
    func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError)
}

/// Allows every authenticated principal: being mapped in `[[principals]]` is the grant. Only for pipelines built
/// in code without a config (tests); the daemon always runs ``GrantPolicy``.
public struct MappedPrincipalsPolicy: ReplayPolicy {
    /// Creates the policy.
    public init() {}

    public func authorize(
        _ principal: Principal,
        _ request: ReplayRequest
    ) async throws(ReplayError) -> ReplayAuthorization {
        ReplayAuthorization()
    }

    public func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {}
}

/// The authorize stage: may this principal make this request, or take this action? Doors never contain policy;
/// they ask the pipeline, which asks this seam.
public protocol ReplayPolicy: Sendable {
    /// Returns normally when the replay is allowed; throws `ReplayError` with code `forbidden` otherwise.
    func authorize(_ principal: Principal, _ request: ReplayRequest) throws(ReplayError)
    /// Returns normally when `principal` may take `action` (other than a replay) through `door`; throws
    /// `ReplayError` with code `forbidden` otherwise.
    func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError)
}

/// Allows every authenticated principal: being mapped in `[[principals]]` is the grant.
public struct MappedPrincipalsPolicy: ReplayPolicy {
    /// Creates the policy.
    public init() {}

    public func authorize(_ principal: Principal, _ request: ReplayRequest) throws(ReplayError) {}

    public func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {}
}

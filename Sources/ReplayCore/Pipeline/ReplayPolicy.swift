/// The authorize stage: may this principal make this request? Grants arrive in a later release; the seam is here
/// now so that doors never contain policy.
public protocol ReplayPolicy: Sendable {
    /// Returns normally when allowed; throws `ReplayError` with code `forbidden` otherwise.
    func authorize(_ principal: Principal, _ request: ReplayRequest) throws(ReplayError)
}

/// Allows every authenticated principal: being mapped in `[[principals]]` is the grant.
public struct MappedPrincipalsPolicy: ReplayPolicy {
    /// Creates the policy.
    public init() {}

    public func authorize(_ principal: Principal, _ request: ReplayRequest) throws(ReplayError) {}
}

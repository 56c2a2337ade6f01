/// The default ``RecordVisibility``: a record is visible only to the principal that made it, and only that
/// principal may resolve it.
public struct OwnerOnlyVisibility: RecordVisibility {
    /// Creates the policy.
    public init() {}

    public func owners(visibleTo principal: Principal) -> [String] {
        [principal.name]
    }

    public func canSee(_ record: ReplayRecord, principal: Principal) -> Bool {
        record.principal == principal.name
    }

    public func canResolve(_ record: ReplayRecord, principal: Principal) -> Bool {
        record.principal == principal.name
    }
}

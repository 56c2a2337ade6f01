/// A ``RecordVisibility`` without grants (pipelines built in code, such as tests): a record is visible only to the
/// principal that made it, and only that principal may resolve it. The daemon uses ``GrantPolicy``.
public struct OwnerOnlyVisibility: RecordVisibility {
    /// Creates the policy.
    public init() {}

    public func scope(for principal: Principal, door: RequestOrigin.Door) -> RecordScope { .own }

    public func owners(visibleTo principal: Principal, door: RequestOrigin.Door) -> [String] {
        [principal.name]
    }

    public func canResolve(_ record: ReplayRecord, principal: Principal, door: RequestOrigin.Door) -> Bool {
        record.principal == principal.name
    }
}

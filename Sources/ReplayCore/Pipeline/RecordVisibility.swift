/// Which replay records a principal may see and resolve. Every door asks the pipeline, and the pipeline asks
/// this seam, so that access rules (grants, teams, operators) replace it in one place. ``GrantPolicy`` is the
/// daemon's: `read` shows a principal its own records, `read_all` everyone's, `resolve` lets it resolve them.
///
/// A record a principal may not see is answered exactly like a key that does not exist (404 `not_found`), so a
/// caller cannot learn which keys other principals use.
public protocol RecordVisibility: Sendable {
    /// Whose records `principal` may read through `door`.
    func scope(for principal: Principal, door: RequestOrigin.Door) -> RecordScope
    /// The principals whose records `principal` may look up by key, in the order a key is looked up (its own
    /// first).
    func owners(visibleTo principal: Principal, door: RequestOrigin.Door) -> [String]
    /// Whether `principal` may apply an operator action (`resolve`) to `record`, which it can see.
    func canResolve(_ record: ReplayRecord, principal: Principal, door: RequestOrigin.Door) -> Bool
}

extension RecordVisibility {
    /// Whether `principal` may see `record` through `door`.
    public func canSee(_ record: ReplayRecord, principal: Principal, door: RequestOrigin.Door) -> Bool {
        switch scope(for: principal, door: door) {
        case .none: false
        case .own: record.principal == principal.name
        case .everyone: true
        }
    }
}

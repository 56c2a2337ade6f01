/// Which replay records a principal may see and resolve. Every door asks the pipeline, and the pipeline asks
/// this seam, so that access rules (grants, teams, operators) replace it in one place.
///
/// A record a principal may not see is answered exactly like a key that does not exist (404 `not_found`), so a
/// caller cannot learn which keys other principals use.
public protocol RecordVisibility: Sendable {
    /// The principals whose records `principal` may look up by key and list, in the order a key is looked up.
    func owners(visibleTo principal: Principal) -> [String]
    /// Whether `principal` may see `record` (checked on every record found through ``owners(visibleTo:)``).
    func canSee(_ record: ReplayRecord, principal: Principal) -> Bool
    /// Whether `principal` may apply an operator action (`resolve`) to `record`, which it can see.
    func canResolve(_ record: ReplayRecord, principal: Principal) -> Bool
}

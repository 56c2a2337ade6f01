/// Finds a configured principal by name, for `replayctl explain --as NAME`.
public protocol PrincipalLookup: Sendable {
    /// Whether `name` is a configured principal (`[[principals]] name`).
    func hasPrincipal(named name: String) -> Bool
}

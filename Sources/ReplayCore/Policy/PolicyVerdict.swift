/// A policy's decision, without its side effects: whether the request or action is allowed, which rule (grant)
/// decided, and why. What `replayctl explain` prints in its policy section.
///
/// A policy's `authorize` and `decide` must agree: `authorize` throws exactly when `decide` says not allowed.
public struct PolicyVerdict: Sendable, Hashable {
    /// Whether the request or action is allowed.
    public var allowed: Bool
    /// The rule that decided (a `[[grants]]` name), or `nil` when no named rule did (no grants configured, or
    /// nothing matched).
    public var rule: String?
    /// A sentence saying why: which grant matched, or why none did. Never contains a secret.
    public var reason: String

    /// Creates a verdict.
    public init(allowed: Bool, rule: String?, reason: String) {
        self.allowed = allowed
        self.rule = rule
        self.reason = reason
    }

    /// The `forbidden` error a denied verdict is answered with, or `nil` when allowed.
    public var error: ReplayError? {
        allowed ? nil : ReplayError(.forbidden, reason)
    }
}

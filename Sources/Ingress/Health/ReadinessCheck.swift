/// One condition the daemon needs to do its work, asked by `GET /v1/health` (readiness). Checks only look: they
/// never write a record or change state, and they return at once.
public protocol ReadinessCheck: Sendable {
    /// The check's name in the health body (`state_db`, `audit`, `breaker`, `config`, `paused`).
    var name: String { get }
    /// Whether the condition holds now, and what was seen.
    func check() async -> ReadinessResult
}

/// What one ``ReadinessCheck`` saw.
public struct ReadinessResult: Sendable, Hashable, Encodable {
    /// The check's name.
    public var name: String
    /// Whether the condition holds.
    public var ok: Bool
    /// What was seen, in words, when there is something to say (always when not `ok`). Never a secret.
    public var detail: String?

    /// Creates a result.
    public init(name: String, ok: Bool, detail: String? = nil) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}

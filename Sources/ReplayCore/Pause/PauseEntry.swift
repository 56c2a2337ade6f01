/// One pause in force: its scope, why, when (Unix milliseconds) and by whom. Stored durably, so a pause survives
/// a restart.
public struct PauseEntry: Sendable, Hashable, Encodable {
    /// What is paused.
    public var scope: PauseScope
    /// The operator's reason (`--reason`), if any.
    public var reason: String?
    /// When it began, Unix milliseconds.
    public var pausedAt: Int64
    /// The principal that paused.
    public var by: String

    /// Creates an entry.
    public init(scope: PauseScope, reason: String?, pausedAt: Int64, by: String) {
        self.scope = scope
        self.reason = reason
        self.pausedAt = pausedAt
        self.by = by
    }

    enum CodingKeys: String, CodingKey {
        case scope, source, reason, by
        case pausedAt = "paused_at_unix_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch scope {
        case .all: try container.encode("all", forKey: .scope)
        case .source(let name):
            try container.encode("source", forKey: .scope)
            try container.encode(name, forKey: .source)
        }
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(pausedAt, forKey: .pausedAt)
        try container.encode(by, forKey: .by)
    }
}

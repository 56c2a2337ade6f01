/// What `replayctl pause` stops: every replay (`--all`), or those of one source (`--source S`): a `[[sources]]`
/// name for webhook replays, `socket` for replays asked for on the Unix socket (HTTP and JSON-RPC).
public enum PauseScope: Sendable, Hashable, CustomStringConvertible {
    /// Every replay.
    case all
    /// The replays of one source.
    case source(String)

    /// The stored form: `*` for every replay, otherwise the source name.
    public var storageKey: String {
        switch self {
        case .all: "*"
        case .source(let name): name
        }
    }

    /// The scope whose ``storageKey`` is `key`.
    public init(storageKey key: String) {
        self = key == "*" ? .all : .source(key)
    }

    public var description: String {
        switch self {
        case .all: "all replays"
        case .source(let name): "source \(name)"
        }
    }
}

/// One path that replayd's config leads it to use, with what it must be and the config key that sets it.
public struct ConfiguredPath: Sendable, Hashable {
    /// What must be at the path.
    public enum Kind: Sendable, Hashable {
        /// A directory that `serve` creates when it is missing (with the role's mode) or checks when it exists.
        case createdDirectory(DirectoryRole)
        /// A directory whose owner and mode `serve` checks when it exists; the audit log creates it, or starts
        /// degraded when it cannot.
        case directory(DirectoryRole)
        /// A key file; `mayBeMissing` when `serve` creates it on first start (the default audit keys).
        case keyFile(what: String, mayBeMissing: Bool)
        /// The instance lock file, which `serve` creates.
        case lockFile
        /// The socket, which `serve` replaces only if it is a stale socket.
        case socket
    }

    /// The absolute path.
    public var path: String
    /// What must be there.
    public var kind: Kind
    /// The dotted key that sets it (`state.dir` when the path is derived from the state directory).
    public var keyPath: String

    /// Creates an entry.
    public init(path: String, kind: Kind, keyPath: String) {
        self.path = path
        self.kind = kind
        self.keyPath = keyPath
    }
}

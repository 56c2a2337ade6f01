/// A directory replayd uses: its name in messages and the mode it gets when replayd creates it.
public struct DirectoryRole: Sendable, Hashable {
    /// `socket directory`, `state directory`…
    public var name: String
    /// The permission bits given on creation, and suggested in fixes.
    public var mode: UInt32

    /// Creates a role.
    public init(name: String, mode: UInt32) {
        self.name = name
        self.mode = mode
    }

    /// The directory that holds the socket and its lock: `0750`, so the socket's group can reach the socket.
    public static let socket = DirectoryRole(name: "socket directory", mode: 0o750)
    /// `[state] dir`: `0700`; it holds the replay store and, by default, the audit keys.
    public static let state = DirectoryRole(name: "state directory", mode: 0o700)
    /// `[audit] dir`: `0750`, so an auditors' group may read the segments (which are `0640`/`0440`).
    public static let audit = DirectoryRole(name: "audit directory", mode: 0o750)
}

/// What is wrong with the path replayctl was told to use as replayd's socket, when connecting failed.
public enum SocketProblem: Sendable, Hashable {
    /// Nothing exists at the path (or a directory on the way is missing).
    case noSocket
    /// The caller may not use the socket (or search a directory on the way). `group` is the socket's group name
    /// (or gid), when it could be read.
    case permissionDenied(group: String?, onDirectory: String?)
    /// Something other than a socket is at the path: `kind` says what (`a regular file`, `a directory`).
    case notASocket(kind: String)
    /// A socket is there but nobody listens on it: replayd is not running (a stale socket left by a crash).
    case nobodyListening
    /// The path is longer than a Unix socket address can hold.
    case pathTooLong
    /// Something else, named by the system's error text.
    case other(String)
}

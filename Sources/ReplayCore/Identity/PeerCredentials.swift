/// The kernel's account of who is on the other end of a Unix socket (`SO_PEERCRED`), as of `connect()`.
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The peer's user id.
    public var uid: UInt32
    /// The peer's primary group id.
    public var gid: UInt32
    /// The peer's process id. Advisory only: pids are reused.
    public var pid: Int32

    /// Creates credentials.
    public init(uid: UInt32, gid: UInt32, pid: Int32) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
    }

    public var description: String { "uid=\(uid) gid=\(gid) pid=\(pid)" }
}

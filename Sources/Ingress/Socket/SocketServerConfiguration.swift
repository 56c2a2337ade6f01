import HTTPServer
import ReplayCore

/// Settings of the Unix-socket door. Defaults follow `core-requirements.md` §1.
public struct SocketServerConfiguration: Sendable {
    /// The socket's path; must be shorter than 108 bytes (`sun_path`).
    public var path: String
    /// The group that owns the socket (and may connect): a numeric gid, or `nil` to keep the daemon's group.
    public var groupID: UInt32?
    /// The HTTP core's limits and timings. Per client here means per uid.
    public var http: HTTPServerConfiguration
    /// The instance lock for `path`, when the caller took it already (the daemon takes it before it writes
    /// anything); `nil` makes the server take it when it starts.
    public var instanceLock: InstanceLock?
    /// A listening Unix socket handed over by the service manager (socket activation), adopted instead of binding
    /// `path`; it is never chmodded, chgrped or unlinked. `nil` binds `path`.
    public var listeningDescriptor: CInt?

    /// Creates a configuration.
    public init(
        path: String,
        groupID: UInt32? = nil,
        http: HTTPServerConfiguration = HTTPServerConfiguration(),
        instanceLock: InstanceLock? = nil,
        listeningDescriptor: CInt? = nil
    ) {
        self.path = path
        self.groupID = groupID
        self.http = http
        self.instanceLock = instanceLock
        self.listeningDescriptor = listeningDescriptor
    }
}

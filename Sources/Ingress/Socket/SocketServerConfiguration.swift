import ReplayCore

/// Settings of the Unix-socket door. Defaults follow `core-requirements.md` §1.
public struct SocketServerConfiguration: Sendable {
    /// The socket's path; must be shorter than 108 bytes (`sun_path`).
    public var path: String
    /// The group that owns the socket (and may connect): a numeric gid, or `nil` to keep the daemon's group.
    public var groupID: UInt32?
    /// The most bytes of request line plus headers (431 beyond).
    public var maxHeaderBytes: Int
    /// The most body bytes (413 beyond).
    public var maxBodyBytes: Int
    /// The time allowed from the first byte of a request to its last (408 beyond).
    public var readTimeout: Duration
    /// The time an idle keep-alive connection is kept.
    public var idleTimeout: Duration
    /// The most connections at once (503 beyond).
    public var maxConnections: Int
    /// How long a graceful shutdown waits for requests in progress.
    public var shutdownGracePeriod: Duration
    /// The instance lock for `path`, when the caller took it already (the daemon takes it before it writes
    /// anything); `nil` makes the server take it when it starts.
    public var instanceLock: InstanceLock?

    /// Creates a configuration.
    public init(
        path: String,
        groupID: UInt32? = nil,
        maxHeaderBytes: Int = 16 * 1024,
        maxBodyBytes: Int = 1024 * 1024,
        readTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 64,
        shutdownGracePeriod: Duration = .seconds(30),
        instanceLock: InstanceLock? = nil
    ) {
        self.path = path
        self.groupID = groupID
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.shutdownGracePeriod = shutdownGracePeriod
        self.instanceLock = instanceLock
    }
}

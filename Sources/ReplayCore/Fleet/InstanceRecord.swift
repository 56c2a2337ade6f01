/// One row of the instance registry (`instances`, migration `v7-instances`): an instance's last heartbeat.
public struct InstanceRecord: Sendable, Hashable {
    /// The instance id.
    public var id: String
    /// Its host name.
    public var host: String
    /// Its process id.
    public var pid: Int64
    /// Its replayd version.
    public var version: String
    /// When it started, in Unix milliseconds by its own clock.
    public var startedAtMilliseconds: Int64
    /// The database's `now()` at its last heartbeat, in Unix milliseconds.
    public var lastSeenMilliseconds: Int64
    /// Its clock minus the database's `now()` at that heartbeat, in milliseconds (positive: it runs ahead).
    public var skewMilliseconds: Int64

    /// Creates a record.
    public init(
        id: String,
        host: String,
        pid: Int64,
        version: String,
        startedAtMilliseconds: Int64,
        lastSeenMilliseconds: Int64,
        skewMilliseconds: Int64
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAtMilliseconds = startedAtMilliseconds
        self.lastSeenMilliseconds = lastSeenMilliseconds
        self.skewMilliseconds = skewMilliseconds
    }

    /// Whether this row was written by the process `identity` describes (same host, pid and start).
    public func isProcess(_ identity: InstanceIdentity) -> Bool {
        host == identity.host && pid == identity.pid && startedAtMilliseconds == identity.startedAtMilliseconds
    }
}

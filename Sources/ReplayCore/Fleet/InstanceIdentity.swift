/// Who this replayd process is in a fleet: what it writes into the instance registry on every heartbeat.
public struct InstanceIdentity: Sendable, Hashable {
    /// `[state] instance_id` (the host name by default): also the `instance` of every audit record.
    public var id: String
    /// The host name.
    public var host: String
    /// The process id.
    public var pid: Int64
    /// replayd's version.
    public var version: String
    /// When the process started, in Unix milliseconds (its own clock).
    public var startedAtMilliseconds: Int64

    /// Creates an identity.
    public init(id: String, host: String, pid: Int64, version: String, startedAtMilliseconds: Int64) {
        self.id = id
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAtMilliseconds = startedAtMilliseconds
    }
}

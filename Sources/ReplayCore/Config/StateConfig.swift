/// `[state]`: where replayd keeps its durable state.
public struct StateConfig: Sendable, Hashable {
    /// `dir`: an absolute directory. Default `/var/lib/replayd`. With the PostgreSQL backend it still holds the
    /// audit log, its keys and the follow-up outbox.
    public var directory: String
    /// `backend`: `sqlite` (default: `<dir>/replayd.sqlite`) or `postgres` (a database shared by a fleet).
    public var backend: StateBackend
    /// The PostgreSQL backend's settings (`url_env` / `url_file`, `sslmode`, `ca_file`, `max_connections`); set
    /// exactly when `backend` is `postgres`.
    public var postgres: PostgresStateConfig?
    /// `instance_id`: this instance's id in a fleet, named in every audit record (`instance`), written on the
    /// leases it takes, and shown by the instance registry, `replayctl status` and `/metrics`; `nil` derives one
    /// (``StateInstanceID/derived(hostname:stateDirectory:)``). Must be unique among the instances sharing a
    /// database, and should stay the same across restarts.
    public var instanceID: String?
    /// `lease_ttl` (PostgreSQL): how long an instance's lease on a replay lasts after it was taken or last renewed
    /// (renewed every third of it). Another instance takes a dead one's replays over after this. Default 15 s.
    public var leaseTTL: Duration

    /// The default `lease_ttl`.
    public static let defaultLeaseTTL: Duration = .seconds(15)

    /// Creates the section with the defaults above.
    public init(
        directory: String = "/var/lib/replayd",
        backend: StateBackend = .sqlite,
        postgres: PostgresStateConfig? = nil,
        instanceID: String? = nil,
        leaseTTL: Duration = StateConfig.defaultLeaseTTL
    ) {
        self.directory = directory
        self.backend = backend
        self.postgres = postgres
        self.instanceID = instanceID
        self.leaseTTL = leaseTTL
    }

    /// `instance_id`, or the one derived from `hostname` and `dir`.
    public func resolvedInstanceID(hostname: String = StateInstanceID.currentHostname()) -> String {
        instanceID ?? StateInstanceID.derived(hostname: hostname, stateDirectory: directory)
    }
}

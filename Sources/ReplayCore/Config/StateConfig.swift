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

    /// Creates the section with the defaults above.
    public init(
        directory: String = "/var/lib/replayd",
        backend: StateBackend = .sqlite,
        postgres: PostgresStateConfig? = nil
    ) {
        self.directory = directory
        self.backend = backend
        self.postgres = postgres
    }
}

import Ingress
import Logging
import PostgresNIO
import ReplayCore
import ServiceLifecycle

/// Everything the daemon keeps in the state database: replay records, webhook deliveries, pauses, team tokens.
typealias DaemonStateStore = any ReplayStore & WebhookDeliveryStore & PauseStore & TeamTokenStore

extension Daemon {
    /// The replay state store for `[state] backend`, the services it needs running (none for SQLite; for
    /// PostgreSQL, its connection pool and group commit), its readiness check, and the pauses stored before this
    /// start. A PostgreSQL database is checked first: `serve` refuses one that is unreachable, not migrated yet
    /// (`replayd state migrate`), or migrated by a newer replayd.
    func openStateStore() async throws -> (
        store: DaemonStateStore, services: [ServiceGroupConfiguration.ServiceConfiguration],
        readiness: any ReadinessCheck, pauses: [PauseEntry]
    ) {
        let logger = Logger(label: "replayd.store")
        switch settings.state.backend {
        case .sqlite:
            let path = settings.state.directory + "/replayd.sqlite"
            let store: SQLiteReplayStore
            do {
                store = try SQLiteReplayStore(path: path, logger: logger)
            } catch {
                throw DaemonStartError(message: "cannot open the replay state store: \(error.message)")
            }
            do {
                return (store, [], StateDatabaseReadinessCheck(path: path), try await store.pauses())
            } catch {
                throw DaemonStartError(message: "cannot read the pauses from the state store: \(error.message)")
            }
        case .postgres:
            guard let postgres = settings.state.postgres else {
                throw DaemonStartError(message: "[state] backend = \"postgres\" needs url_env or url_file")
            }
            let connection: PostgresConnectionSettings
            do {
                connection = try postgres.connectionSettings()
            } catch {
                throw DaemonStartError(message: "[state] backend = \"postgres\": \(error.description)")
            }
            let pauses: [PauseEntry]
            do {
                pauses = try await PostgresClientScope.withStore(connection, logger: logger) { store in
                    try await PostgresStateMigrator(client: store.client, logger: logger).requireCurrent()
                    return try await store.pauses()
                }
            } catch let error as StoreError {
                throw DaemonStartError(message: "the PostgreSQL state at \(connection): \(error.message)")
            } catch {
                throw DaemonStartError(message: "the PostgreSQL state at \(connection) could not be checked")
            }
            let client = PostgresClient(configuration: connection.clientConfiguration(), backgroundLogger: logger)
            let store = PostgresReplayStore(client: client, logger: logger)
            logger.info(
                "replay state on PostgreSQL: replay records, webhook dedup and replies owed, pauses and team tokens",
                metadata: ["database": "\(connection)"]
            )
            logStaysPerInstance(logger)
            return (
                store, [.init(service: PostgresStateService(store: store))],
                PostgresStateReadinessCheck(store: store), pauses
            )
        }
    }

    /// What stays on this instance with `backend = "postgres"`, said once at startup so that nobody takes it for
    /// shared state.
    private func logStaysPerInstance(_ logger: Logger) {
        logger.notice(
            """
            with [state] backend = "postgres", these stay per instance in [state] dir: the follow-up outbox \
            (followups.sqlite; a Slack/Discord follow-up is sent by the instance that took the delivery), the audit \
            log and its keys; a pause or resume applies to the instance that got it (the others read it at their \
            next start)
            """,
            metadata: ["state_dir": "\(settings.state.directory)"]
        )
        if settings.team.tokenKeyFile == nil {
            logger.warning(
                """
                team tokens are shared through PostgreSQL, but each instance hashes them with its own key \
                (<state dir>/team-token.key): copy one key to every instance and set [team] token_key_file, or a \
                token works only on the instance whose key created it
                """,
                metadata: ["key": "\(settings.team.tokenKeyPath(state: settings.state))"]
            )
        }
    }
}

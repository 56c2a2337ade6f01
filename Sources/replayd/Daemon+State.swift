import Logging
import PostgresNIO
import ReplayCore
import ServiceLifecycle

extension Daemon {
    /// The replay state store for `[state] backend`, and the services it needs running (none for SQLite; for
    /// PostgreSQL, its connection pool and group commit). A PostgreSQL database is checked first: `serve` refuses
    /// one that is unreachable, not migrated yet (`replayd state migrate`), or migrated by a newer replayd.
    func openStateStore() async throws -> (
        store: any ReplayStore & WebhookDeliveryStore, services: [ServiceGroupConfiguration.ServiceConfiguration]
    ) {
        let logger = Logger(label: "replayd.store")
        switch settings.state.backend {
        case .sqlite:
            do {
                let store = try SQLiteReplayStore(path: settings.state.directory + "/replayd.sqlite", logger: logger)
                return (store, [])
            } catch {
                throw DaemonStartError(message: "cannot open the replay state store: \(error.message)")
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
            do {
                try await PostgresClientScope.withClient(connection, logger: logger) { client in
                    try await PostgresStateMigrator(client: client, logger: logger).requireCurrent()
                }
            } catch let error as StoreError {
                throw DaemonStartError(message: "the PostgreSQL state at \(connection): \(error.message)")
            } catch {
                throw DaemonStartError(message: "the PostgreSQL state at \(connection) could not be checked")
            }
            let client = PostgresClient(configuration: connection.clientConfiguration(), backgroundLogger: logger)
            let store = PostgresReplayStore(client: client, logger: logger)
            logger.info("replay state on PostgreSQL", metadata: ["database": "\(connection)"])
            return (store, [.init(service: PostgresStateService(store: store))])
        }
    }
}

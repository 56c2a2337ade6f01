import Logging
import PostgresNIO
import PostgresTestSupport
import Testing

@testable import ReplayCore

/// The store engines the store tests run against: each such test runs once per backend.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// What a store test gets: the store, and ways to reach the same state through another handle: for SQLite,
/// another connection to the file, or the file reopened after the store is closed; for PostgreSQL, another
/// client with its own connections, as another instance would have.
struct StoreFixture: Sendable {
    typealias Store = any ReplayStore & WebhookDeliveryStore & PauseStore & TeamTokenStore
    let store: Store
    /// A second handle, the first one still open.
    let other: @Sendable () async throws -> Store
    /// The first handle closed (SQLite), then a new one.
    let reopen: @Sendable () async throws -> Store
}

extension StoreTesting {
    /// Runs `body` on a fresh store of `backend`: a new SQLite file in a new directory, or a new, migrated database
    /// on the test cluster (``PostgresTestCluster``) with both stores' services running for the body's length.
    static func withStore<Result: Sendable>(
        _ backend: StoreBackend,
        _ body: (StoreFixture.Store, StoreFixture) async throws -> Result
    ) async throws -> Result {
        switch backend {
        case .sqlite:
            return try await withDirectory { directory in
                let path = databasePath(in: directory)
                let store = try SQLiteReplayStore(path: path, logger: logger)
                let fixture = StoreFixture(
                    store: store,
                    other: { try SQLiteReplayStore(path: path, logger: logger) },
                    reopen: {
                        try store.close()
                        return try SQLiteReplayStore(path: path, logger: logger)
                    }
                )
                return try await body(store, fixture)
            }
        case .postgres:
            let settings = try await PostgresTestCluster.shared.freshDatabase()
            return try await withPostgresStores(settings) { first, second in
                try await PostgresStateMigrator(client: first.client, logger: logger).migrate()
                return try await body(first, StoreFixture(store: first, other: { second }, reopen: { second }))
            }
        }
    }

    /// Two PostgreSQL stores on the database of `settings`, each with its own client (two instances, `A` and `B`
    /// unless `instanceIDs` says otherwise), their services running in a task group for the length of `body`.
    static func withPostgresStores<Result: Sendable>(
        _ settings: PostgresConnectionSettings,
        instanceIDs: (String, String) = ("A", "B"),
        leaseTTL: Duration = StateConfig.defaultLeaseTTL,
        _ body: (PostgresReplayStore, PostgresReplayStore) async throws -> Result
    ) async throws -> Result {
        let stores = [instanceIDs.0, instanceIDs.1].map { instanceID in
            PostgresReplayStore(
                client: PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger),
                logger: logger,
                instanceID: instanceID,
                leaseTTL: leaseTTL
            )
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores {
                group.addTask { try await PostgresStateService(store: store).run() }
            }
            defer { group.cancelAll() }
            return try await body(stores[0], stores[1])
        }
    }
}

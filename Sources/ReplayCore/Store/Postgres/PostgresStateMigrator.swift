import Logging
import PostgresNIO

/// Brings a PostgreSQL state database to the current schema (``PostgresStateSchema``), explicitly: `replayd state
/// migrate` runs ``migrate()``, and `replayd serve` runs ``requireCurrent()`` and refuses to start on a database
/// that is not migrated yet or was migrated by a newer replayd.
///
/// Applied migrations are recorded by name in `replayd_schema_migrations`. ``migrate()`` runs in one transaction
/// under an advisory lock, so two instances migrating at once apply each migration once, and a failure leaves
/// the schema as it was.
public struct PostgresStateMigrator: Sendable {
    /// Where the database's schema stands.
    public enum Status: Sendable, Hashable {
        /// Every migration this replayd knows is applied, and no other.
        case current
        /// These migrations are still to be applied (all of them on an empty database).
        case behind(missing: [String])
        /// The database has migrations this replayd does not know: a newer replayd migrated it.
        case ahead(unknown: [String])
    }

    let client: PostgresClient
    let logger: Logger
    let migrations: [PostgresStateSchema.Migration]

    /// A migrator on `client`, which the caller runs.
    public init(client: PostgresClient, logger: Logger) {
        self.init(client: client, logger: logger, migrations: PostgresStateSchema.migrations)
    }

    /// A migrator with given migrations (tests add a later one to stand for a newer replayd).
    init(client: PostgresClient, logger: Logger, migrations: [PostgresStateSchema.Migration]) {
        self.client = client
        self.logger = logger
        self.migrations = migrations
    }

    /// The schema's status.
    public func status() async throws(StoreError) -> Status {
        do {
            let applied = try await client.withConnection { connection in
                try await Self.applied(connection, logger)
            }
            return classify(applied)
        } catch {
            throw PostgresReplayStore.storeError(error, "reading the PostgreSQL state's schema", code: .unavailable)
        }
    }

    /// Throws unless the schema is current, with what to do about it.
    public func requireCurrent() async throws(StoreError) {
        switch try await status() {
        case .current:
            return
        case .behind(let missing):
            throw StoreError(
                .unavailable,
                "the PostgreSQL state database is not migrated (missing \(missing.joined(separator: ", "))); "
                    + "run `replayd state migrate` with the same config first"
            )
        case .ahead(let unknown):
            throw StoreError(
                .unavailable,
                "the PostgreSQL state database was migrated by a newer replayd (\(unknown.joined(separator: ", ")) "
                    + "unknown to this one); refusing to use it"
            )
        }
    }

    /// Applies every missing migration in one transaction; returns their names (empty when already current).
    ///
    /// - Throws: `StoreError(.unavailable, …)` when the database cannot be reached, a newer replayd migrated it,
    ///   or a migration fails (nothing is applied then).
    @discardableResult
    public func migrate() async throws(StoreError) -> [String] {
        let migrations = migrations
        let result: Result<[String], StoreError>
        do {
            result = try await client.withConnection { connection -> Result<[String], StoreError> in
                try await connection.query("BEGIN", logger: logger)
                do {
                    // One migration at a time across the fleet: the lock is held until COMMIT or ROLLBACK.
                    try await connection.query("SELECT pg_advisory_xact_lock(7401014, 1)", logger: logger)
                    try await PostgresReplayStore.rows(
                        connection,
                        logger,
                        """
                        CREATE TABLE IF NOT EXISTS \(PostgresStateSchema.migrationsTable) (
                            name TEXT PRIMARY KEY,
                            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                        )
                        """
                    )
                    let applied = try await Self.applied(connection, logger)
                    if case .ahead(let unknown) = classify(applied) {
                        try await connection.query("ROLLBACK", logger: logger)
                        return .failure(
                            StoreError(
                                .unavailable,
                                "the PostgreSQL state database was migrated by a newer replayd "
                                    + "(\(unknown.joined(separator: ", ")) unknown to this one); refusing to migrate it"
                            )
                        )
                    }
                    var done: [String] = []
                    for migration in migrations where !applied.contains(migration.name) {
                        for statement in migration.statements {
                            try await PostgresReplayStore.rows(connection, logger, statement)
                        }
                        var binds = PostgresBindings()
                        binds.append(migration.name)
                        try await PostgresReplayStore.rows(
                            connection,
                            logger,
                            "INSERT INTO \(PostgresStateSchema.migrationsTable) (name) VALUES ($1)",
                            binds
                        )
                        done.append(migration.name)
                    }
                    try await connection.query("COMMIT", logger: logger)
                    return .success(done)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw PostgresReplayStore.storeError(error, "migrating the PostgreSQL state", code: .unavailable)
        }
        let done = try result.get()
        if !done.isEmpty {
            logger.info("PostgreSQL state migrated", metadata: ["applied": "\(done.joined(separator: ","))"])
        }
        return done
    }

    private func classify(_ applied: Set<String>) -> Status {
        let known = Set(migrations.map(\.name))
        let unknown = applied.subtracting(known).sorted()
        if !unknown.isEmpty { return .ahead(unknown: unknown) }
        let missing = migrations.map(\.name).filter { !applied.contains($0) }
        return missing.isEmpty ? .current : .behind(missing: missing)
    }

    /// The names of the applied migrations; empty when the migrations table does not exist yet.
    private static func applied(_ connection: PostgresConnection, _ logger: Logger) async throws -> Set<String> {
        let exists = try await PostgresReplayStore.rows(
            connection,
            logger,
            "SELECT to_regclass('\(PostgresStateSchema.migrationsTable)') IS NOT NULL"
        )
        guard let row = exists.first, try row.decode(Bool.self) else { return [] }
        let rows = try await PostgresReplayStore.rows(
            connection,
            logger,
            "SELECT name FROM \(PostgresStateSchema.migrationsTable)"
        )
        return Set(try rows.map { try $0.decode(String.self) })
    }
}

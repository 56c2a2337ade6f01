import Logging
import NIOCore
import PostgresNIO

/// The `ReplayStore` (and `WebhookDeliveryStore`) on a PostgreSQL database, shared by every replayd instance that
/// points at it: one claim of a key wins fleet-wide, and a webhook delivery retried to another instance gets the
/// first answer.
///
/// - **Claims are unique inserts.** `INSERT … ON CONFLICT DO NOTHING` on `(principal, key)`: of any number of
///   concurrent claims of one key, from any instance, exactly one inserts; the others find its record. Coalescing
///   takes a transaction-scoped advisory lock on the run and checkpoint, so two instances never both start a
///   replay of one run inside the window.
/// - **Group commit.** Writes are batched into one transaction per batch, one savepoint per write
///   (``PostgresGroupCommit``), on one connection of the pool: a commit is durable (PostgreSQL's
///   `synchronous_commit`, on by default) before any write of its batch returns.
/// - **Reads** run on other pooled connections, one statement each (one snapshot: a record and its attempts are
///   read together).
/// - **Lifetime.** The store does nothing until ``PostgresStateService`` runs its client and its group commit;
///   writes submitted when that service is not running fail with `unavailable`.
/// - **Schema.** The store never migrates: ``PostgresStateMigrator`` does, explicitly (`replayd state migrate`),
///   and the daemon checks the schema before it serves.
public final class PostgresReplayStore: ReplayStore, Sendable {
    /// The client the store runs on (run by ``PostgresStateService``).
    public let client: PostgresClient
    let commits: PostgresGroupCommit
    let logger: Logger

    /// Creates the store on `client`, which ``PostgresStateService`` (or the caller's task group) must run.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        commits = PostgresGroupCommit(logger: logger)
    }

    /// Runs `body` in its own savepoint of the next group commit and returns once that commit is durable.
    /// Shielded from the caller's cancellation: once submitted, the write commits or fails. `operation` names the
    /// write in an error; it is built only then.
    func write<T: Sendable>(
        _ operation: @autoclosure () -> String,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws(StoreError) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            commits.submit(
                PostgresGroupCommit.Write(
                    run: { connection, logger, savepoint in
                        let applied: Result<T, any Error>
                        if savepoint {
                            applied = await Self.inSavepoint(connection, logger) { try await body(connection, logger) }
                        } else {
                            do {
                                applied = .success(try await body(connection, logger))
                            } catch {
                                applied = .failure(error)
                            }
                        }
                        if case .failure(let error) = applied, Self.isConflict(error) {
                            return .init(conflicted: true, failed: true, complete: { _ in })
                        }
                        let failed = if case .failure = applied { true } else { false }
                        return .init(conflicted: false, failed: failed) { commitError in
                            // A write's own error explains a failed commit better than the commit's.
                            if case .success = applied, let commitError {
                                continuation.resume(returning: .failure(commitError))
                            } else {
                                continuation.resume(returning: applied)
                            }
                        }
                    },
                    fail: { error in continuation.resume(returning: .failure(error)) }
                )
            )
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            let failure = Self.storeError(error, operation())
            if failure.code != .notFound {
                logger.error("PostgreSQL state write failed", metadata: ["error": "\(failure)"])
            }
            throw failure
        }
    }

    /// Runs `body` in a savepoint of the batch's transaction: a write that throws is rolled back alone.
    private static func inSavepoint<T>(
        _ connection: PostgresConnection,
        _ logger: Logger,
        _ body: () async throws -> T
    ) async -> Result<T, any Error> {
        do {
            try await connection.query("SAVEPOINT replayd_write", logger: logger)
        } catch {
            return .failure(error)
        }
        do {
            let value = try await body()
            try await connection.query("RELEASE SAVEPOINT replayd_write", logger: logger)
            return .success(value)
        } catch {
            // Undo the write's statements; the batch's transaction goes on (or fails at COMMIT, and every write of
            // the batch with it).
            _ = try? await connection.query("ROLLBACK TO SAVEPOINT replayd_write", logger: logger)
            _ = try? await connection.query("RELEASE SAVEPOINT replayd_write", logger: logger)
            return .failure(error)
        }
    }

    /// Runs `body` on a pooled connection outside the group commit, shielded from the caller's cancellation.
    func read<T: Sendable>(
        _ operation: @autoclosure () -> String,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws(StoreError) -> T {
        try await commits.whenRunning()
        let client = client
        let logger = logger
        // Awaited at once, like `write`: it only shields the read from the caller's cancellation.
        let task = Task { try await client.withConnection { connection in try await body(connection, logger) } }
        do {
            return try await task.value
        } catch {
            let failure = Self.storeError(error, operation())
            logger.error("PostgreSQL state read failed", metadata: ["error": "\(failure)"])
            throw failure
        }
    }

    /// Checks that the database answers (`SELECT 1` on a pooled connection): the daemon's readiness check.
    public func ping() async throws(StoreError) {
        try await read("checking the PostgreSQL state") { connection, logger in
            try await Self.rows(connection, logger, "SELECT 1")
            return ()
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    static func rows(
        _ connection: PostgresConnection,
        _ logger: Logger,
        _ sql: String,
        _ binds: PostgresBindings = PostgresBindings()
    ) async throws -> [PostgresRow] {
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect()
    }
}

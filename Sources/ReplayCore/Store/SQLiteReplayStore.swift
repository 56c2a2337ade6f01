import GRDB
import Logging

/// The production `ReplayStore`: one SQLite file in WAL mode, through GRDB.
///
/// - **One file, `0600`.** Created by `init` before SQLite opens it, so the database (and the `-wal` and `-shm`
///   files SQLite derives from it, which inherit its mode) are never readable by another user.
/// - **`DatabasePool`, not `DatabaseQueue`.** WAL gives one writer and concurrent readers. The pool keeps a single
///   writer connection, so every write transaction (claim, attempt, result, update, prune) is serialized in this
///   process, and `BEGIN IMMEDIATE` plus the busy timeout serialize it against other processes on the same file.
///   Reads (`record`, `unfinished`, `records`) run on reader connections and never wait behind a writer's `fsync`.
///   A queue would put status lookups behind every durable commit.
/// - **`synchronous = FULL`.** See `init`: an attempt must be on disk before it is sent.
/// - **Checkpoints off the writer.** The WAL is copied into the database file on a connection of its own (see
///   `SQLiteCheckpointer`), so no replay's commit waits behind a checkpoint.
/// - **Every method is one transaction**, and runs to completion once started: cancelling the calling task does
///   not abort a store call halfway (it either commits or throws a real `StoreError`), so a caller that was
///   cancelled after sending still records the result.
public final class SQLiteReplayStore: ReplayStore {
    /// The database file.
    public let path: String
    let database: SQLiteDatabase
    var pool: DatabasePool { database.pool }
    var logger: Logger { database.logger }

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    ///
    /// Durability: the journal is WAL with `synchronous = FULL`, so the WAL is `fsync`ed at every commit. With
    /// `NORMAL`, a commit survives a crash of replayd but not a power loss or kernel panic (WAL is only synced at
    /// checkpoints). That is not enough here: the caller sends `POST …/replay` (not idempotent) right after
    /// `recordAttempt` returns, so if a power loss could roll the attempt (or the claim) back, a repeat of the
    /// key after reboot would find nothing and replay the run a second time. One `fsync` per write is the price.
    ///
    /// - Parameters:
    ///   - path: the database file, e.g. `<state dir>/replayd.sqlite`. Its directory must exist.
    ///   - logger: where open, migration and failure messages go.
    /// - Throws: `StoreError(.unavailable, …)` when the file cannot be created, opened, put in WAL mode or
    ///   migrated, or was written by a newer replayd.
    public convenience init(path: String, logger: Logger) throws(StoreError) {
        try self.init(path: path, logger: logger, migrator: Self.migrator)
    }

    /// Opens the store with a given migrator (tests add later migrations to prove v1 files upgrade).
    init(path: String, logger: Logger, migrator: DatabaseMigrator) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.label = "replayd.store"
        configuration.foreignKeysEnabled = true
        configuration.maximumReaderCount = 4
        database = try SQLiteDatabase(
            path: path,
            name: "replay store",
            migrator: migrator,
            configuration: configuration,
            logger: logger
        )
    }

    /// Closes the database connections (checkpointing the WAL). Later calls fail with `StoreError(.io, …)`.
    /// Dropping the last reference also closes the store.
    public func close() throws(StoreError) {
        try database.close()
    }

    /// Runs `body` in its own savepoint of the next group commit (``SQLiteDatabase/write(_:durability:_:)``), shielded
    /// from the caller's cancellation. `operation` names it in an error, and is only built for one.
    func write<T: Sendable>(
        _ operation: @autoclosure () -> String,
        durability: SQLiteGroupCommit.Durability = .synced,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        try await database.write(operation(), durability: durability, body)
    }

    /// Runs `body` in one read transaction on a reader connection, shielded from the caller's cancellation.
    func read<T: Sendable>(
        _ operation: @autoclosure () -> String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        try await database.read(operation(), body)
    }

    /// Tests only: runs `body` on the writer connection outside a transaction (pragmas, fault injection).
    func withWriterConnection<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        do {
            return try await pool.writeWithoutTransaction(body)
        } catch {
            throw Self.storeError(error, "test access")
        }
    }
}

import GRDB
import Logging

/// One SQLite file, opened the way replayd opens every database (the replay store, the follow-up outbox):
/// created `0600` before SQLite sees it, WAL with `synchronous = FULL` (a commit survives a power loss), migrated,
/// and refused when a newer replayd migrated it. Every transaction runs to completion once started, shielded from
/// the caller's cancellation, and any failure becomes a ``StoreError``.
struct SQLiteDatabase: Sendable {
    /// The connection pool: one writer, concurrent readers.
    let pool: DatabasePool
    /// Batches writes into group commits on the pool's writer.
    let commits: SQLiteGroupCommit
    /// Checkpoints the WAL on a connection of its own, instead of the writer after its commits.
    let checkpointer: SQLiteCheckpointer
    /// What the file is, for messages: `replay store`, `follow-up outbox`.
    let name: String
    let logger: Logger

    /// Opens (creating if needed) the database at `path` and applies `migrator`. `checkpoints` says when the WAL
    /// is checkpointed (tests make them small).
    ///
    /// - Throws: `StoreError(.unavailable, …)` when the file cannot be created, opened, put in WAL mode or
    ///   migrated, or was written by a newer replayd.
    init(
        path: String,
        name: String,
        migrator: DatabaseMigrator,
        configuration: Configuration,
        checkpoints: SQLiteCheckpointer.Limits = SQLiteCheckpointer.Limits(),
        logger: Logger
    ) throws(StoreError) {
        self.name = name
        self.logger = logger
        try SQLiteReplayStore.prepareFile(at: path, name: name, logger: logger)
        var configuration = configuration
        configuration.journalMode = .wal
        // Another process (an operator's tool, a second daemon by mistake) may hold the write lock.
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw SQLiteReplayStore.storeError(error, "opening the \(name) at \(path)", code: .unavailable)
        }
        commits = SQLiteGroupCommit(pool: pool)
        do {
            checkpointer = try SQLiteCheckpointer(path: path, limits: checkpoints, configuration: configuration)
        } catch {
            throw SQLiteReplayStore.storeError(
                error,
                "opening the \(name)'s checkpointer at \(path)",
                code: .unavailable
            )
        }
        do {
            // GRDB's WAL setup sets `synchronous = NORMAL` on the writer after `prepareDatabase` runs, so FULL is
            // set here, once the pool is open. Only the writer commits; readers never need it.
            try pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(
                    .unavailable,
                    "the \(name) at \(path) was migrated by a newer replayd; refusing to use it"
                )
            }
            try migrator.migrate(pool)
            try pool.barrierWriteWithoutTransaction { [checkpointer] db in checkpointer.install(on: db) }
        } catch {
            throw SQLiteReplayStore.storeError(error, "migrating the \(name) at \(path)", code: .unavailable)
        }
        logger.info("\(name) open", metadata: ["path": "\(path)", "journal": "wal", "synchronous": "full"])
    }

    /// Closes the connections (checkpointing the WAL). Later calls fail with `StoreError(.io, …)`.
    func close() throws(StoreError) {
        do {
            try pool.barrierWriteWithoutTransaction { [checkpointer] db in checkpointer.uninstall(from: db) }
            try checkpointer.close()
            try pool.close()
        } catch {
            throw SQLiteReplayStore.storeError(error, "closing the \(name)")
        }
    }

    /// Runs `body` in its own savepoint of the next group commit (one `BEGIN IMMEDIATE` transaction and one sync
    /// for every write that arrived while the previous commit ran; see ``SQLiteGroupCommit``), and returns once
    /// that commit is durable. Shielded from the caller's cancellation: once submitted, the write commits or fails.
    /// `operation` names the write in an error; it is built only then (not on every replay's write). With
    /// `durability` ``SQLiteGroupCommit/Durability/withNextSync`` it returns once committed, and is on disk with
    /// the file's next synced commit.
    func write<T: Sendable>(
        _ operation: @autoclosure () -> String,
        durability: SQLiteGroupCommit.Durability = .synced,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        try await timedWrite(operation(), durability: durability, body).value
    }

    /// ``write(_:_:)``, also returning how long the write held the writer: from the start of `body` to the end of
    /// its batch's commit (the sync included), measured on the writer queue. A write queued behind it waited that
    /// long for it (retention pruning sizes its batches by it).
    func timedWrite<T: Sendable>(
        _ operation: @autoclosure () -> String,
        durability: SQLiteGroupCommit.Durability = .synced,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> (value: T, held: Duration) {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<(value: T, held: Duration), any Error>, Never>) in
            commits.submit(
                SQLiteGroupCommit.Write(
                    run: { db in
                        let clock = ContinuousClock()
                        let started = clock.now
                        let applied = Self.inSavepoint(db) { () throws -> T in try body(db) }
                        return { commitError in
                            // A write's own error (a full disk mid-statement) explains a failed commit better
                            // than the commit's (the transaction was aborted).
                            if case .success = applied, let commitError {
                                continuation.resume(returning: .failure(commitError))
                            } else {
                                let held = clock.now - started
                                continuation.resume(returning: applied.map { (value: $0, held: held) })
                            }
                        }
                    },
                    fail: { error in continuation.resume(returning: .failure(error)) },
                    durability: durability
                )
            )
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            let failure = SQLiteReplayStore.storeError(error, operation())
            if failure.code != .notFound {
                logger.error("\(name) write failed", metadata: ["error": "\(failure)"])
            }
            throw failure
        }
    }

    /// Runs `body` in a savepoint of the batch's transaction, through cached statements (GRDB's `inSavepoint`
    /// prepares its statements anew each time): a write that throws is rolled back alone.
    private static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) -> Result<T, any Error> {
        do {
            try db.cachedStatement(sql: "SAVEPOINT replayd_write").execute()
        } catch {
            return .failure(error)
        }
        do {
            let value = try body()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT replayd_write").execute()
            return .success(value)
        } catch {
            // Undo the write's statements; the batch's transaction goes on (or, if SQLite aborted it, fails at
            // COMMIT, and every write of the batch fails with it).
            try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT replayd_write").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT replayd_write").execute()
            return .failure(error)
        }
    }

    /// Runs `body` in one read transaction on a reader connection, shielded from the caller's cancellation.
    func read<T: Sendable>(
        _ operation: @autoclosure () -> String,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        let pool = pool
        // Awaited at once, like `write`: it only shields the read from the caller's cancellation.
        let task = Task { try await pool.read(body) }
        do {
            return try await task.value
        } catch {
            let failure = SQLiteReplayStore.storeError(error, operation())
            logger.error("\(name) read failed", metadata: ["error": "\(failure)"])
            throw failure
        }
    }
}

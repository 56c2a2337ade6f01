import GRDB
import Logging

/// The durable queue of follow-ups: one SQLite file (WAL, `synchronous = FULL`, mode `0600`) of its own, through
/// GRDB, opened like ``SQLiteReplayStore`` (the daemon uses `<state dir>/followups.sqlite`).
///
/// - **Idempotent enqueue.** The caller's id is the primary key: a second enqueue of an id changes nothing and
///   returns the stored follow-up, so a duplicate delivery of a chat command never posts twice.
/// - **Budgets.** An enqueue that would give a conversation more follow-ups than its kind allows (Slack: 5 per
///   `response_url`) is refused with ``FollowUpError/Code/budgetExhausted``. Every stored follow-up counts,
///   whatever its state, until it is pruned (and ``prune(finishedBefore:)`` keeps it while it could still be posted).
/// - **Order.** ``due(now:limit:)`` returns at most one follow-up per conversation: the oldest pending one. Later
///   ones wait until it is delivered or failed, so a conversation's messages arrive in enqueue order.
/// - **Every method is one transaction**, shielded from the caller's cancellation (it commits or throws).
/// - **Secrets.** Destinations, conversations and bodies are stored but never appear in a log line or an error.
public final class FollowUpOutbox: Sendable {
    /// The database file.
    public let path: String
    let database: SQLiteDatabase
    var pool: DatabasePool { database.pool }
    var logger: Logger { database.logger }

    /// Opens (creating if needed) the outbox at `path` and migrates it to the current schema.
    ///
    /// - Parameters:
    ///   - path: the database file, e.g. `<state dir>/followups.sqlite`. Its directory must exist. Created with
    ///     mode `0600`; an existing file readable by others is tightened to `0600`; a symbolic link is refused.
    ///   - logger: where open and failure messages go.
    /// - Throws: `StoreError(.unavailable, …)` when the file cannot be created, opened, put in WAL mode or migrated,
    ///   or was written by a newer replayd.
    public init(path: String, logger: Logger) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.label = "replayd.followups"
        configuration.maximumReaderCount = 2
        database = try SQLiteDatabase(
            path: path,
            name: "follow-up outbox",
            migrator: Self.migrator,
            configuration: configuration,
            logger: logger
        )
    }

    /// Closes the database connections (checkpointing the WAL). Later calls fail with `StoreError(.io, …)`.
    public func close() throws(StoreError) {
        try database.close()
    }

    /// Stores `followUp` (as given: normally `pending`, due at `nextAttemptAt`), unless its id is already stored.
    ///
    /// - Returns: ``FollowUpEnqueueResult/enqueued(_:)``, or ``FollowUpEnqueueResult/duplicate(_:)`` with the stored
    ///   follow-up when the id exists (nothing is changed, and the budget is not checked).
    /// - Throws: ``FollowUpError`` `budget_exhausted` (the conversation is full), `invalid_follow_up` (empty or
    ///   over-long id or conversation, not an `http(s)` URL, `notAfter` not after `createdAt`, negative attempts),
    ///   or `store_failed`.
    @discardableResult
    public func enqueue(_ followUp: FollowUp) async throws(FollowUpError) -> FollowUpEnqueueResult {
        try Self.validate(followUp)
        let pool = pool
        // Awaited at once, so it never outlives this call: it only shields the enqueue from the caller's
        // cancellation, so that a follow-up the door promised is stored even if the door's task is cancelled.
        let task = Task {
            try await pool.write { db -> FollowUpEnqueueResult in
                if let existing = try Self.fetch(followUp.id, db) {
                    return .duplicate(existing)
                }
                if let budget = followUp.kind.postBudget {
                    let count =
                        try Int.fetchOne(
                            db,
                            sql: "SELECT COUNT(*) FROM follow_ups WHERE conversation = ?",
                            arguments: [followUp.conversation]
                        ) ?? 0
                    if count >= budget {
                        throw FollowUpError(
                            .budgetExhausted,
                            "follow-up \(followUp.id) refused: \(followUp.kind.rawValue) allows at most \(budget) "
                                + "posts per conversation, and this one already has \(count)"
                        )
                    }
                }
                try Self.insert(followUp, db)
                return .enqueued(followUp)
            }
        }
        do {
            let result = try await task.value
            if case .enqueued = result {
                logger.debug(
                    "follow-up enqueued",
                    metadata: ["follow_up_id": "\(followUp.id)", "follow_up_kind": "\(followUp.kind.rawValue)"]
                )
            }
            return result
        } catch let error as FollowUpError {
            logger.notice("follow-up refused", metadata: ["follow_up_id": "\(followUp.id)", "error": "\(error)"])
            throw error
        } catch {
            let failure = SQLiteReplayStore.storeError(error, "enqueueing follow-up \(followUp.id)")
            logger.error("follow-up outbox write failed", metadata: ["error": "\(failure)"])
            throw FollowUpError(.storeFailed, failure.description)
        }
    }

    /// The follow-up with this id, or `nil`.
    public func followUp(_ id: String) async throws(StoreError) -> FollowUp? {
        try await database.read("reading follow-up \(id)") { db in try Self.fetch(id, db) }
    }

    /// Pending follow-ups whose `nextAttemptAt` is at or before `now`, earliest first, at most one per conversation
    /// (the oldest pending one: later ones wait for it). Includes expired ones, for the worker to fail.
    public func due(now: Int64, limit: Int) async throws(StoreError) -> [FollowUp] {
        guard limit > 0 else { return [] }
        return try await database.read("listing due follow-ups") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.columns) FROM follow_ups AS f
                    WHERE f.state = 'pending' AND f.next_attempt_at <= ? AND \(Self.isConversationHead)
                    ORDER BY f.next_attempt_at, f.rowid LIMIT ?
                    """,
                arguments: [now, limit]
            ).map(Self.decode)
        }
    }

    /// The earliest `nextAttemptAt` of a follow-up ``due(now:limit:)`` could return, or `nil` when none is pending:
    /// how long the worker may sleep.
    public func nextAttemptAt() async throws(StoreError) -> Int64? {
        try await database.read("finding the next follow-up attempt") { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MIN(f.next_attempt_at) FROM follow_ups AS f
                    WHERE f.state = 'pending' AND \(Self.isConversationHead)
                    """
            )
        }
    }

    /// How many follow-ups are pending.
    public func pendingCount() async throws(StoreError) -> Int {
        try await database.read("counting pending follow-ups") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM follow_ups WHERE state = 'pending'") ?? 0
        }
    }

    /// How many follow-ups are pending, and when the oldest of them was enqueued (`nil` when none is): the
    /// outbox's depth and age, for metrics.
    public func pendingSummary() async throws(StoreError) -> (count: Int, oldestCreatedAt: Int64?) {
        try await database.read("summarising pending follow-ups") { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM follow_ups WHERE state = 'pending'"
            )
            return (row?["n"] ?? 0, row?["oldest"])
        }
    }

    /// Records a delivery: state `delivered`, one more attempt, `lastStatus = status`, `lastError` cleared.
    ///
    /// - Throws: `StoreError(.notFound, …)` when no pending follow-up has this id.
    @discardableResult
    public func markDelivered(_ id: String, status: Int, at time: Int64) async throws(StoreError) -> FollowUp {
        try await change(
            id,
            "marking follow-up \(id) delivered",
            sql: """
                state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, updated_at = ?,
                finished_at = ?
                """,
            arguments: [status, time, time]
        )
    }

    /// Records a failed attempt to retry: one more attempt, next try at `nextAt`, `lastError = error`.
    ///
    /// - Parameters:
    ///   - status: the HTTP status of the attempt, or `nil` when no response came.
    ///   - error: why, in plain words (never the destination).
    /// - Throws: `StoreError(.notFound, …)` when no pending follow-up has this id.
    @discardableResult
    public func markRetry(
        _ id: String,
        nextAt: Int64,
        error: String,
        status: Int? = nil,
        at time: Int64
    ) async throws(StoreError) -> FollowUp {
        try await change(
            id,
            "scheduling a retry of follow-up \(id)",
            sql: "attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ?, updated_at = ?",
            arguments: [nextAt, status, error, time]
        )
    }

    /// Records that a follow-up will never be posted: state `failed`, `failureCode` and `lastError` from `error`.
    ///
    /// - Parameters:
    ///   - status: the HTTP status of the last attempt, if this failure followed one.
    ///   - attempted: whether an attempt was made just now (counted in `attempts`); `false` for an expiry noticed
    ///     before sending.
    /// - Throws: `StoreError(.notFound, …)` when no pending follow-up has this id.
    @discardableResult
    public func markFailed(
        _ id: String,
        error: FollowUpFailure,
        status: Int? = nil,
        attempted: Bool = true,
        at time: Int64
    ) async throws(StoreError) -> FollowUp {
        try await change(
            id,
            "marking follow-up \(id) failed",
            sql: """
                state = 'failed', attempts = attempts + ?, last_status = COALESCE(?, last_status), last_error = ?,
                failure_code = ?, updated_at = ?, finished_at = ?
                """,
            arguments: [attempted ? 1 : 0, status, error.message, error.code.rawValue, time, time]
        )
    }

    /// Deletes delivered and failed follow-ups that finished before `cutoff` and whose `notAfter` is before
    /// `cutoff` too (so a conversation's budget holds for as long as the platform would accept a post).
    ///
    /// - Returns: how many were deleted.
    @discardableResult
    public func prune(finishedBefore cutoff: Int64) async throws(StoreError) -> Int {
        try await database.write("pruning follow-ups finished before \(cutoff)") { db in
            try db.execute(
                sql: """
                    DELETE FROM follow_ups
                    WHERE state IN ('delivered', 'failed') AND finished_at < ? AND not_after < ?
                    """,
                arguments: [cutoff, cutoff]
            )
            return db.changesCount
        }
    }

    /// `f` (the outer row) is the oldest pending follow-up of its conversation.
    private static let isConversationHead = """
        NOT EXISTS (
            SELECT 1 FROM follow_ups AS e
            WHERE e.conversation = f.conversation AND e.state = 'pending' AND e.rowid < f.rowid
        )
        """

    /// Applies `sql` (a `SET` list) to the pending follow-up `id` and returns it afterwards.
    private func change(
        _ id: String,
        _ operation: String,
        sql: String,
        arguments: StatementArguments
    ) async throws(StoreError) -> FollowUp {
        try await database.write(operation) { db in
            try db.execute(
                sql: "UPDATE follow_ups SET \(sql) WHERE id = ? AND state = 'pending'",
                arguments: arguments + [id]
            )
            guard db.changesCount == 1, let updated = try Self.fetch(id, db) else {
                throw StoreError(.notFound, "no pending follow-up \(id)")
            }
            return updated
        }
    }
}

import Logging
import NIOCore
import PostgresNIO

extension PostgresReplayStore {
    /// States that are not final, as an SQL list: what `unfinished` returns.
    static let unfinishedStates = sqlList([.pending, .inFlight, .reconciling])
    /// States `prune` may delete, as an SQL list.
    static let prunableStates = sqlList([.succeeded, .failed, .indeterminate])

    private static func sqlList(_ states: [ReplayState]) -> String {
        states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }

    /// See `ReplayStore.record(_:)`.
    public func record(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord? {
        try await read("reading \(id)") { connection, logger in try await Self.fetchRecord(id, connection, logger) }
    }

    /// See `ReplayStore.update`. A field that is set in `change` is written even if it is also named in `clear`.
    ///
    /// - Throws: `StoreError(.notFound, …)` when the record does not exist.
    @discardableResult
    public func update(
        _ record: ReplayRecord,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError) -> ReplayRecord {
        let id = record.id
        try await write("updating \(id)") { connection, logger in
            try await Self.apply(change, to: id, at: time, connection, logger)
        }
        return record.applying(change, at: time)
    }

    /// Applies `change` to the record inside the caller's transaction, with one statement: a field set in
    /// `change` is written, a `nil` field named in `clear` becomes NULL, and every other column keeps its value.
    static func apply(
        _ change: RecordChange,
        to id: ReplayRecordID,
        at time: Int64,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        var binds = PostgresBindings(capacity: 17)
        binds.append(time)
        binds.append(change.state?.rawValue)
        binds.append(change.nextActionAt)
        binds.append(change.clear.contains(.nextActionAt))
        binds.append(change.reconcileDeadline)
        binds.append(change.clear.contains(.reconcileDeadline))
        binds.append(change.projectID)
        binds.append(change.newRunID)
        binds.append(change.responseStatus)
        binds.append(change.responseBody.map { ByteBuffer(bytes: $0) })
        binds.append(change.errorCode)
        binds.append(change.clear.contains(.errorCode))
        binds.append(change.errorMessage)
        binds.append(change.clear.contains(.errorMessage))
        binds.append(change.resolution)
        binds.append(id.principal)
        binds.append(id.key)
        let changed = try await rows(
            connection,
            logger,
            """
            UPDATE replays SET
                updated_at = $1,
                state = COALESCE($2, state),
                next_action_at = CASE WHEN $3::bigint IS NOT NULL THEN $3 WHEN $4 THEN NULL ELSE next_action_at END,
                reconcile_deadline =
                    CASE WHEN $5::bigint IS NOT NULL THEN $5 WHEN $6 THEN NULL ELSE reconcile_deadline END,
                project_id = COALESCE($7, project_id),
                new_run_id = COALESCE($8, new_run_id),
                response_status = COALESCE($9, response_status),
                response_body = COALESCE($10, response_body),
                error_code = CASE WHEN $11::text IS NOT NULL THEN $11 WHEN $12 THEN NULL ELSE error_code END,
                error_message = CASE WHEN $13::text IS NOT NULL THEN $13 WHEN $14 THEN NULL ELSE error_message END,
                resolution = COALESCE($15, resolution)
            WHERE principal = $16 AND key = $17
            RETURNING 1
            """,
            binds
        )
        guard changed.count == 1 else {
            throw StoreError(.notFound, "no replay record \(id)")
        }
    }

    /// See `ReplayStore.release`. Its attempts go with it (`ON DELETE CASCADE`).
    public func release(_ record: ReplayRecord) async throws(StoreError) {
        let id = record.id
        try await write("releasing \(id)") { connection, logger in
            var binds = PostgresBindings()
            binds.append(id.principal)
            binds.append(id.key)
            try await Self.rows(connection, logger, "DELETE FROM replays WHERE principal = $1 AND key = $2", binds)
        }
    }

    /// See `ReplayStore.unfinished`: oldest first (by `createdAt`, then insertion order). Uses `replays_state`.
    public func unfinished(limit: Int) async throws(StoreError) -> [ReplayRecord] {
        guard limit > 0 else { return [] }
        return try await read("listing unfinished records") { connection, logger in
            var binds = PostgresBindings()
            binds.append(limit)
            let sql = Self.recordsQuery(
                picked: """
                    SELECT \(Self.replayColumns), seq FROM replays WHERE state IN (\(Self.unfinishedStates))
                    ORDER BY created_at, seq LIMIT $1
                    """,
                order: "p.created_at, p.seq"
            )
            return try Self.decodeRecords(try await Self.rows(connection, logger, sql, binds))
        }
    }

    /// See `ReplayStore.records(in:principal:limit:)`: newest first (by `createdAt`, then insertion order).
    public func records(
        in states: Set<ReplayState>,
        principal: String?,
        limit: Int
    ) async throws(StoreError) -> [ReplayRecord] {
        guard limit > 0, !states.isEmpty else { return [] }
        return try await read("listing records") { connection, logger in
            let stateList = states.map(\.rawValue).sorted()
            var binds = PostgresBindings()
            for state in stateList { binds.append(state) }
            var picked = """
                SELECT \(Self.replayColumns), seq FROM replays
                WHERE state IN (\((1...stateList.count).map { "$\($0)" }.joined(separator: ", ")))
                """
            if let principal {
                binds.append(principal)
                picked += " AND principal = $\(binds.count)"
            }
            binds.append(limit)
            picked += " ORDER BY created_at DESC, seq DESC LIMIT $\(binds.count)"
            let sql = Self.recordsQuery(picked: picked, order: "p.created_at DESC, p.seq DESC")
            return try Self.decodeRecords(try await Self.rows(connection, logger, sql, binds))
        }
    }

    /// The most records one pruning transaction deletes, as in SQLite.
    static let pruneChunk = 500

    /// See `ReplayStore.prune`. Attempts go with their record (`ON DELETE CASCADE`). Uses `replays_updated`.
    public func prune(updatedBefore cutoff: Int64) async throws(StoreError) -> Int {
        var deleted = 0
        while true {
            let chunk = try await write("pruning records updated before \(cutoff)") { connection, logger in
                var binds = PostgresBindings()
                binds.append(cutoff)
                binds.append(Self.pruneChunk)
                return try await Self.rows(
                    connection,
                    logger,
                    """
                    DELETE FROM replays WHERE seq IN (
                        SELECT seq FROM replays WHERE state IN (\(Self.prunableStates)) AND updated_at < $1
                        LIMIT $2
                    )
                    RETURNING 1
                    """,
                    binds
                ).count
            }
            deleted += chunk
            if chunk < Self.pruneChunk { return deleted }
        }
    }
}

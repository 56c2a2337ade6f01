import Foundation
import GRDB

extension SQLiteReplayStore {
    /// States that are not final, as an SQL list: what `unfinished` returns.
    static let unfinishedStates = sqlList([.pending, .inFlight, .reconciling])
    /// States `prune` may delete, as an SQL list.
    static let prunableStates = sqlList([.succeeded, .failed, .indeterminate])

    private static func sqlList(_ states: [ReplayState]) -> String {
        states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }

    /// See `ReplayStore.record(_:)`.
    public func record(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord? {
        try await read("reading \(id)") { db in try Self.fetchRecord(id, db) }
    }

    /// See `ReplayStore.update`. A field that is set in `change` is written even if it is also named in `clear`
    /// (`clear` is for fields left `nil`).
    ///
    /// - Throws: `StoreError(.notFound, …)` when the record does not exist.
    @discardableResult
    public func update(
        _ record: ReplayRecord,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError) -> ReplayRecord {
        let id = record.id
        try await write("updating \(id)") { db in try Self.apply(change, to: id, at: time, db) }
        return record.applying(change, at: time)
    }

    /// Applies `change` to the record inside the caller's transaction, with one cached statement: a field set in
    /// `change` is written, a `nil` field named in `clear` becomes NULL, and every other column keeps its value.
    static func apply(_ change: RecordChange, to id: ReplayRecordID, at time: Int64, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE replays SET
                    updated_at = ?1,
                    state = COALESCE(?2, state),
                    next_action_at = CASE WHEN ?3 IS NOT NULL THEN ?3 WHEN ?4 THEN NULL ELSE next_action_at END,
                    reconcile_deadline =
                        CASE WHEN ?5 IS NOT NULL THEN ?5 WHEN ?6 THEN NULL ELSE reconcile_deadline END,
                    project_id = COALESCE(?7, project_id),
                    new_run_id = COALESCE(?8, new_run_id),
                    response_status = COALESCE(?9, response_status),
                    response_body = COALESCE(?10, response_body),
                    error_code = CASE WHEN ?11 IS NOT NULL THEN ?11 WHEN ?12 THEN NULL ELSE error_code END,
                    error_message = CASE WHEN ?13 IS NOT NULL THEN ?13 WHEN ?14 THEN NULL ELSE error_message END,
                    resolution = COALESCE(?15, resolution)
                WHERE principal = ?16 AND key = ?17
                """
        )
        let values: [(any DatabaseValueConvertible)?] = [
            time,
            change.state?.rawValue,
            change.nextActionAt, change.clear.contains(.nextActionAt),
            change.reconcileDeadline, change.clear.contains(.reconcileDeadline),
            change.projectID,
            change.newRunID,
            change.responseStatus,
            change.responseBody.map { Data($0) },
            change.errorCode, change.clear.contains(.errorCode),
            change.errorMessage, change.clear.contains(.errorMessage),
            change.resolution,
            id.principal, id.key,
        ]
        try statement.execute(arguments: StatementArguments(values))
        guard db.changesCount == 1 else {
            throw StoreError(.notFound, "no replay record \(id)")
        }
    }

    /// See `ReplayStore.release`. Its attempts go with it (`ON DELETE CASCADE`).
    public func release(_ record: ReplayRecord) async throws(StoreError) {
        let id = record.id
        try await write("releasing \(id)") { db in
            try db.cachedStatement(sql: "DELETE FROM replays WHERE principal = ? AND key = ?")
                .execute(arguments: [id.principal, id.key])
        }
    }

    /// See `ReplayStore.unfinished`: oldest first (by `createdAt`, then insertion order). Uses `replays_state`.
    public func unfinished(limit: Int) async throws(StoreError) -> [ReplayRecord] {
        guard limit > 0 else { return [] }
        return try await read("listing unfinished records") { db in
            try Self.fetchRecords(
                db,
                sql: """
                    SELECT \(Self.replayColumns) FROM replays WHERE state IN (\(Self.unfinishedStates))
                    ORDER BY created_at, rowid LIMIT ?
                    """,
                arguments: [limit]
            )
        }
    }

    /// See `ReplayStore.records(in:principal:limit:)`: newest first (by `createdAt`, then insertion order).
    public func records(
        in states: Set<ReplayState>,
        principal: String?,
        limit: Int
    ) async throws(StoreError) -> [ReplayRecord] {
        guard limit > 0, !states.isEmpty else { return [] }
        return try await read("listing records") { db in
            let stateList = states.map(\.rawValue).sorted()
            var values: [(any DatabaseValueConvertible)?] = stateList
            var sql = """
                SELECT \(Self.replayColumns) FROM replays
                WHERE state IN (\(Array(repeating: "?", count: stateList.count).joined(separator: ", ")))
                """
            if let principal {
                sql += " AND principal = ?"
                values.append(principal)
            }
            sql += " ORDER BY created_at DESC, rowid DESC LIMIT ?"
            values.append(limit)
            return try Self.fetchRecords(db, sql: sql, arguments: StatementArguments(values))
        }
    }
}

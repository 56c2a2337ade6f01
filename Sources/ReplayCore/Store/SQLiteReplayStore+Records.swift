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

    /// Applies `change` to the record inside the caller's transaction.
    static func apply(_ change: RecordChange, to id: ReplayRecordID, at time: Int64, _ db: Database) throws {
        var assignments = ["updated_at = ?"]
        var values: [(any DatabaseValueConvertible)?] = [time]
        func set(_ column: String, _ value: (any DatabaseValueConvertible)?, clearing field: RecordChange.Field?) {
            if let value {
                assignments.append("\(column) = ?")
                values.append(value)
            } else if let field, change.clear.contains(field) {
                assignments.append("\(column) = NULL")
            }
        }
        set("state", change.state?.rawValue, clearing: nil)
        set("next_action_at", change.nextActionAt, clearing: .nextActionAt)
        set("reconcile_deadline", change.reconcileDeadline, clearing: .reconcileDeadline)
        set("project_id", change.projectID, clearing: nil)
        set("new_run_id", change.newRunID, clearing: nil)
        set("response_status", change.responseStatus, clearing: nil)
        set("response_body", change.responseBody.map { Data($0) }, clearing: nil)
        set("error_code", change.errorCode, clearing: .errorCode)
        set("error_message", change.errorMessage, clearing: .errorMessage)
        set("resolution", change.resolution, clearing: nil)
        values.append(contentsOf: [id.principal, id.key])
        try db.execute(
            sql: "UPDATE replays SET \(assignments.joined(separator: ", ")) WHERE principal = ? AND key = ?",
            arguments: StatementArguments(values)
        )
        guard db.changesCount == 1 else {
            throw StoreError(.notFound, "no replay record \(id)")
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

    /// See `ReplayStore.prune`. Attempts go with their record (`ON DELETE CASCADE`). Uses `replays_updated`.
    public func prune(updatedBefore cutoff: Int64) async throws(StoreError) -> Int {
        try await write("pruning records updated before \(cutoff)") { db in
            try db.execute(
                sql: "DELETE FROM replays WHERE state IN (\(Self.prunableStates)) AND updated_at < ?",
                arguments: [cutoff]
            )
            return db.changesCount
        }
    }
}

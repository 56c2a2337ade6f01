import Foundation
import GRDB

/// Mapping between `replays` / `attempts` rows and `ReplayRecord` / `AttemptRecord`, and the statements that read
/// and write whole rows. Everything here runs inside a transaction opened by `SQLiteReplayStore`.
extension SQLiteReplayStore {
    /// The `replays` columns, in the order `replayArguments` binds them.
    static let replayColumns = """
        principal, key, key_source, fingerprint, action, run_id, from_checkpoint, force, door, request_id, \
        state, created_at, updated_at, next_action_at, reconcile_deadline, project_id, new_run_id, \
        coalesced_from_principal, coalesced_from_key, response_status, response_body, error_code, error_message, \
        resolution, source
        """

    static let attemptColumns = "number, request_id, recorded_at, outcome, status, detail, finished_at"

    /// Inserts `record`'s row (not its attempts).
    static func insertRecord(_ record: ReplayRecord, _ db: Database) throws {
        let placeholders = Array(repeating: "?", count: 25).joined(separator: ", ")
        let statement = try db.cachedStatement(sql: "INSERT INTO replays (\(replayColumns)) VALUES (\(placeholders))")
        try statement.execute(arguments: replayArguments(record))
    }

    /// Inserts `attempt` of the record `id` (as recorded: number, request id, time and outcome).
    static func insertAttempt(_ attempt: AttemptRecord, of id: ReplayRecordID, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO attempts (principal, key, number, request_id, recorded_at, outcome)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id.principal, id.key, attempt.number, attempt.requestID, attempt.recordedAt, attempt.outcome.rawValue,
        ])
    }

    private static func replayArguments(_ record: ReplayRecord) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            record.principal, record.key, record.keySource.rawValue, record.fingerprint, record.action,
            record.runID, record.fromCheckpoint, record.force, record.door, record.requestID,
            record.state.rawValue, record.createdAt, record.updatedAt, record.nextActionAt, record.reconcileDeadline,
            record.projectID, record.newRunID, record.coalescedFrom?.principal, record.coalescedFrom?.key,
            record.responseStatus, record.responseBody.map { Data($0) }, record.errorCode, record.errorMessage,
            record.resolution, record.source,
        ]
        return StatementArguments(values)
    }

    /// The record with `id` and its attempts, or `nil`.
    static func fetchRecord(_ id: ReplayRecordID, _ db: Database) throws -> ReplayRecord? {
        let statement = try db.cachedStatement(
            sql: "SELECT \(replayColumns) FROM replays WHERE principal = ? AND key = ?"
        )
        guard let row = try Row.fetchOne(statement, arguments: [id.principal, id.key]) else { return nil }
        return try decodeRecord(row, db)
    }

    /// Decodes every row `sql` selects (which must select `replayColumns`), with their attempts.
    static func fetchRecords(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ReplayRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in try decodeRecord(row, db) }
    }

    /// A `replays` row plus its attempts, oldest first.
    static func decodeRecord(_ row: Row, _ db: Database) throws -> ReplayRecord {
        let columns = RowColumns(row: row, table: "replays")
        var record = ReplayRecord(
            principal: try columns.value("principal"),
            key: try columns.value("key"),
            keySource: try columns.enumeration("key_source"),
            fingerprint: try columns.value("fingerprint"),
            action: try columns.value("action"),
            runID: try columns.value("run_id"),
            fromCheckpoint: try columns.value("from_checkpoint"),
            force: try columns.value("force"),
            door: try columns.value("door"),
            requestID: try columns.value("request_id"),
            createdAt: try columns.value("created_at")
        )
        record.state = try columns.enumeration("state")
        record.updatedAt = try columns.value("updated_at")
        record.nextActionAt = try columns.value("next_action_at")
        record.reconcileDeadline = try columns.value("reconcile_deadline")
        record.projectID = try columns.value("project_id")
        record.newRunID = try columns.value("new_run_id")
        let coalescedPrincipal: String? = try columns.value("coalesced_from_principal")
        let coalescedKey: String? = try columns.value("coalesced_from_key")
        if let coalescedPrincipal, let coalescedKey {
            record.coalescedFrom = ReplayRecordID(principal: coalescedPrincipal, key: coalescedKey)
        }
        record.responseStatus = try columns.value("response_status")
        let body: Data? = try columns.value("response_body")
        record.responseBody = body.map { [UInt8]($0) }
        record.errorCode = try columns.value("error_code")
        record.errorMessage = try columns.value("error_message")
        record.resolution = try columns.value("resolution")
        record.source = try columns.value("source")
        record.attempts = try fetchAttempts(record.id, db)
        return record
    }

    /// The attempts of `id`, by number.
    static func fetchAttempts(_ id: ReplayRecordID, _ db: Database) throws -> [AttemptRecord] {
        let statement = try db.cachedStatement(
            sql: "SELECT \(attemptColumns) FROM attempts WHERE principal = ? AND key = ? ORDER BY number"
        )
        return try Row.fetchAll(statement, arguments: [id.principal, id.key]).map { row in
            let columns = RowColumns(row: row, table: "attempts")
            return AttemptRecord(
                number: try columns.value("number"),
                requestID: try columns.value("request_id"),
                recordedAt: try columns.value("recorded_at"),
                outcome: try columns.enumeration("outcome"),
                status: try columns.value("status"),
                detail: try columns.value("detail"),
                finishedAt: try columns.value("finished_at")
            )
        }
    }
}

/// Reads typed columns, turning a NULL, a wrong type or an unknown enum value into a `StoreError` that names the
/// column but never echoes the stored value (a body may be large; nothing stored should end up in a log).
private struct RowColumns {
    let row: Row
    let table: String

    func value<Value: DatabaseValueConvertible>(_ column: String) throws(StoreError) -> Value {
        do {
            return try row.decode(Value.self, forColumn: column)
        } catch {
            throw StoreError(.io, "the replay store holds an unreadable \(table).\(column) value")
        }
    }

    func enumeration<Value: RawRepresentable>(_ column: String) throws(StoreError) -> Value
    where Value.RawValue == String {
        let raw: String = try value(column)
        guard let parsed = Value(rawValue: raw) else {
            throw StoreError(.io, "the replay store holds an unknown \(table).\(column) value")
        }
        return parsed
    }
}

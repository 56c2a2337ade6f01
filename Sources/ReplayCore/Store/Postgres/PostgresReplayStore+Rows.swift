import Logging
import NIOCore
import PostgresNIO

/// Mapping between `replays` / `attempts` rows and `ReplayRecord` / `AttemptRecord`, the same columns as the
/// SQLite schema's, and the statements that read and write whole rows.
extension PostgresReplayStore {
    /// The `replays` columns (`source` since `v4-pause`), in the order `replayBindings` binds them and `decodeRecords` reads them.
    static let replayColumnNames = [
        "principal", "key", "key_source", "fingerprint", "action", "run_id", "from_checkpoint", "force", "door",
        "request_id", "state", "created_at", "updated_at", "next_action_at", "reconcile_deadline", "project_id",
        "new_run_id", "coalesced_from_principal", "coalesced_from_key", "response_status", "response_body",
        "error_code", "error_message", "resolution", "source",
    ]
    static let replayColumns = replayColumnNames.joined(separator: ", ")
    /// The `attempts` columns `decodeRecords` reads after a record's, from a `LEFT JOIN` (so all nullable there).
    static let attemptColumnNames = [
        "number", "request_id", "recorded_at", "outcome", "status", "detail", "finished_at",
    ]

    /// `SELECT` a set of records with their attempts in one statement (one snapshot): `picked` is a query over
    /// `replays` that selects `replayColumns` and `seq` (in the order wanted, already limited); the rows come
    /// back in that order, each record's attempts by number.
    static func recordsQuery(picked: String, order: String) -> String {
        let record = replayColumnNames.map { "p.\($0)" }.joined(separator: ", ")
        let attempt = attemptColumnNames.map { "a.\($0)" }.joined(separator: ", ")
        return """
            WITH p AS (\(picked))
            SELECT \(record), \(attempt) FROM p
            LEFT JOIN attempts a ON a.principal = p.principal AND a.key = p.key
            ORDER BY \(order), a.number
            """
    }

    /// Inserts `record`'s row (not its attempts) unless its id exists; returns whether it inserted.
    static func insertRecordIfAbsent(
        _ record: ReplayRecord,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> Bool {
        let placeholders = (1...replayColumnNames.count).map { "$\($0)" }.joined(separator: ", ")
        let rows = try await Self.rows(
            connection,
            logger,
            """
            INSERT INTO replays (\(replayColumns)) VALUES (\(placeholders))
            ON CONFLICT (principal, key) DO NOTHING RETURNING 1
            """,
            replayBindings(record)
        )
        return !rows.isEmpty
    }

    /// Inserts `attempt` of the record `id` (as recorded: number, request id, time and outcome).
    static func insertAttempt(
        _ attempt: AttemptRecord,
        of id: ReplayRecordID,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        var binds = PostgresBindings()
        binds.append(id.principal)
        binds.append(id.key)
        binds.append(attempt.number)
        binds.append(attempt.requestID)
        binds.append(attempt.recordedAt)
        binds.append(attempt.outcome.rawValue)
        try await Self.rows(
            connection,
            logger,
            """
            INSERT INTO attempts (principal, key, number, request_id, recorded_at, outcome)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            binds
        )
    }

    private static func replayBindings(_ record: ReplayRecord) -> PostgresBindings {
        var binds = PostgresBindings(capacity: replayColumnNames.count)
        binds.append(record.principal)
        binds.append(record.key)
        binds.append(record.keySource.rawValue)
        binds.append(record.fingerprint)
        binds.append(record.action)
        binds.append(record.runID)
        binds.append(record.fromCheckpoint)
        binds.append(record.force)
        binds.append(record.door)
        binds.append(record.requestID)
        binds.append(record.state.rawValue)
        binds.append(record.createdAt)
        binds.append(record.updatedAt)
        binds.append(record.nextActionAt)
        binds.append(record.reconcileDeadline)
        binds.append(record.projectID)
        binds.append(record.newRunID)
        binds.append(record.coalescedFrom?.principal)
        binds.append(record.coalescedFrom?.key)
        binds.append(record.responseStatus)
        binds.append(record.responseBody.map { ByteBuffer(bytes: $0) })
        binds.append(record.errorCode)
        binds.append(record.errorMessage)
        binds.append(record.resolution)
        binds.append(record.source)
        return binds
    }

    /// The record with `id` and its attempts, or `nil`.
    static func fetchRecord(
        _ id: ReplayRecordID,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> ReplayRecord? {
        var binds = PostgresBindings()
        binds.append(id.principal)
        binds.append(id.key)
        let sql = recordsQuery(
            picked: "SELECT \(replayColumns), seq FROM replays WHERE principal = $1 AND key = $2",
            order: "p.seq"
        )
        return try decodeRecords(try await rows(connection, logger, sql, binds)).first
    }

    /// Decodes rows of ``recordsQuery(picked:order:)`` into records, each with its attempts, in row order.
    static func decodeRecords(_ rows: [PostgresRow]) throws(StoreError) -> [ReplayRecord] {
        var records: [ReplayRecord] = []
        for row in rows {
            let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
            let principal: String = try columns.value(0, "replays.principal")
            let key: String = try columns.value(1, "replays.key")
            if let last = records.last, last.principal == principal, last.key == key {
                // Another attempt of the same record.
            } else {
                records.append(try decodeRecord(columns, principal: principal, key: key))
            }
            let base = replayColumnNames.count
            let number: Int? = try columns.value(base, "attempts.number")
            guard let number else { continue }
            records[records.count - 1].attempts.append(
                AttemptRecord(
                    number: number,
                    requestID: try columns.value(base + 1, "attempts.request_id"),
                    recordedAt: try columns.value(base + 2, "attempts.recorded_at"),
                    outcome: try columns.enumeration(base + 3, "attempts.outcome"),
                    status: try columns.value(base + 4, "attempts.status"),
                    detail: try columns.value(base + 5, "attempts.detail"),
                    finishedAt: try columns.value(base + 6, "attempts.finished_at")
                )
            )
        }
        return records
    }

    private static func decodeRecord(
        _ columns: PostgresColumns,
        principal: String,
        key: String
    ) throws(StoreError) -> ReplayRecord {
        var record = ReplayRecord(
            principal: principal,
            key: key,
            keySource: try columns.enumeration(2, "replays.key_source"),
            fingerprint: try columns.value(3, "replays.fingerprint"),
            action: try columns.value(4, "replays.action"),
            runID: try columns.value(5, "replays.run_id"),
            fromCheckpoint: try columns.value(6, "replays.from_checkpoint"),
            force: try columns.value(7, "replays.force"),
            door: try columns.value(8, "replays.door"),
            requestID: try columns.value(9, "replays.request_id"),
            createdAt: try columns.value(11, "replays.created_at")
        )
        record.state = try columns.enumeration(10, "replays.state")
        record.updatedAt = try columns.value(12, "replays.updated_at")
        record.nextActionAt = try columns.value(13, "replays.next_action_at")
        record.reconcileDeadline = try columns.value(14, "replays.reconcile_deadline")
        record.projectID = try columns.value(15, "replays.project_id")
        record.newRunID = try columns.value(16, "replays.new_run_id")
        let coalescedPrincipal: String? = try columns.value(17, "replays.coalesced_from_principal")
        let coalescedKey: String? = try columns.value(18, "replays.coalesced_from_key")
        if let coalescedPrincipal, let coalescedKey {
            record.coalescedFrom = ReplayRecordID(principal: coalescedPrincipal, key: coalescedKey)
        }
        record.responseStatus = try columns.value(19, "replays.response_status")
        let body: ByteBuffer? = try columns.value(20, "replays.response_body")
        record.responseBody = body.map { Array($0.readableBytesView) }
        record.errorCode = try columns.value(21, "replays.error_code")
        record.errorMessage = try columns.value(22, "replays.error_message")
        record.resolution = try columns.value(23, "replays.resolution")
        record.source = try columns.value(24, "replays.source")
        return record
    }
}

/// Reads typed columns by position, turning a NULL, a wrong type or an unknown enum value into a `StoreError`
/// that names the column but never echoes the stored value.
struct PostgresColumns {
    let row: PostgresRandomAccessRow

    func value<Value: PostgresDecodable>(_ index: Int, _ column: String) throws(StoreError) -> Value {
        do {
            return try row[index].decode(Value.self)
        } catch {
            throw StoreError(.io, "the PostgreSQL state holds an unreadable \(column) value")
        }
    }

    func enumeration<Value: RawRepresentable>(_ index: Int, _ column: String) throws(StoreError) -> Value
    where Value.RawValue == String {
        let raw: String = try value(index, column)
        guard let parsed = Value(rawValue: raw) else {
            throw StoreError(.io, "the PostgreSQL state holds an unknown \(column) value")
        }
        return parsed
    }
}

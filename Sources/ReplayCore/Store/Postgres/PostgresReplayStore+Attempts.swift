import Logging
import PostgresNIO

extension PostgresReplayStore {
    /// See `ReplayStore.recordAttempt`. Committed (and flushed by the server) before this returns.
    ///
    /// - Throws: `StoreError(.notFound, …)` when the record does not exist; `StoreError(.io, …)` when `requestID`
    ///   is already recorded (request ids are unique across all records) or the write fails.
    public func recordAttempt(
        _ record: ReplayRecord,
        requestID: String,
        at time: Int64
    ) async throws(StoreError) -> ReplayRecord {
        let updated = record.recordingAttempt(requestID: requestID, at: time)
        guard let attempt = updated.attempts.last else {
            throw StoreError(.io, "recording an attempt for \(record.id) produced no attempt")
        }
        let id = record.id
        try await write("recording an attempt for \(id)") { connection, logger in
            var binds = PostgresBindings()
            binds.append(ReplayState.inFlight.rawValue)
            binds.append(time)
            binds.append(id.principal)
            binds.append(id.key)
            let changed = try await Self.rows(
                connection,
                logger,
                """
                UPDATE replays SET state = $1, next_action_at = NULL, updated_at = $2
                WHERE principal = $3 AND key = $4 RETURNING 1
                """,
                binds
            )
            guard changed.count == 1 else {
                throw StoreError(.notFound, "no replay record \(id)")
            }
            do {
                try await Self.insertAttempt(attempt, of: id, connection, logger)
            } catch  where Self.sqlState(error) == Self.uniqueViolation {
                throw StoreError(
                    .io,
                    "attempt \(attempt.number) or request id \(requestID) of \(id) is already recorded"
                )
            }
        }
        return updated
    }

    /// See `ReplayStore.finishAttempt`: the attempt's result and the record's change in one commit.
    ///
    /// - Throws: `StoreError(.notFound, …)` when the record has no attempt `number`.
    public func finishAttempt(
        _ record: ReplayRecord,
        attempt number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError) -> ReplayRecord {
        let id = record.id
        try await write("finishing attempt \(number) of \(id)") { connection, logger in
            var binds = PostgresBindings()
            binds.append(outcome.rawValue)
            binds.append(status)
            binds.append(detail)
            binds.append(time)
            binds.append(id.principal)
            binds.append(id.key)
            binds.append(number)
            let changed = try await Self.rows(
                connection,
                logger,
                """
                UPDATE attempts SET outcome = $1, status = $2, detail = $3, finished_at = $4
                WHERE principal = $5 AND key = $6 AND number = $7 RETURNING 1
                """,
                binds
            )
            guard changed.count == 1 else {
                throw StoreError(.notFound, "no attempt \(number) of replay record \(id)")
            }
            try await Self.apply(change, to: id, at: time, connection, logger)
        }
        return record.finishingAttempt(number, outcome: outcome, status: status, detail: detail, at: time)
            .applying(change, at: time)
    }

    /// See `ReplayStore.record(forAttemptRequestID:)`. Uses `attempts_request_id`.
    public func record(forAttemptRequestID requestID: String) async throws(StoreError) -> ReplayRecord? {
        try await read("looking up attempt \(requestID)") { connection, logger in
            var binds = PostgresBindings()
            binds.append(requestID)
            let sql = Self.recordsQuery(
                picked: """
                    SELECT \(Self.replayColumnNames.map { "r.\($0)" }.joined(separator: ", ")), r.seq
                    FROM attempts t JOIN replays r ON r.principal = t.principal AND r.key = t.key
                    WHERE t.request_id = $1
                    """,
                order: "p.seq"
            )
            return try Self.decodeRecords(try await Self.rows(connection, logger, sql, binds)).first
        }
    }
}

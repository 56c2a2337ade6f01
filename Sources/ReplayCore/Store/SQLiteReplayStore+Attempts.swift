import GRDB

extension SQLiteReplayStore {
    /// See `ReplayStore.recordAttempt`. The transaction is committed with `synchronous = FULL` (the WAL is
    /// `fsync`ed) before this returns, so the attempt survives a power loss once the caller may send it.
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
        try await write("recording an attempt for \(id)") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE replays SET state = ?, next_action_at = NULL, updated_at = ?
                    WHERE principal = ? AND key = ?
                    """
            ).execute(arguments: [ReplayState.inFlight.rawValue, time, id.principal, id.key])
            guard db.changesCount == 1 else {
                throw StoreError(.notFound, "no replay record \(id)")
            }
            do {
                try Self.insertAttempt(attempt, of: id, db)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
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
        try await write("finishing attempt \(number) of \(id)") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE attempts SET outcome = ?, status = ?, detail = ?, finished_at = ?
                    WHERE principal = ? AND key = ? AND number = ?
                    """
            ).execute(arguments: [outcome.rawValue, status, detail, time, id.principal, id.key, number])
            guard db.changesCount == 1 else {
                throw StoreError(.notFound, "no attempt \(number) of replay record \(id)")
            }
            try Self.apply(change, to: id, at: time, db)
        }
        return record.finishingAttempt(number, outcome: outcome, status: status, detail: detail, at: time)
            .applying(change, at: time)
    }

    /// See `ReplayStore.record(forAttemptRequestID:)`. Uses `attempts_request_id`.
    public func record(forAttemptRequestID requestID: String) async throws(StoreError) -> ReplayRecord? {
        try await read("looking up attempt \(requestID)") { db in
            let statement = try db.cachedStatement(sql: "SELECT principal, key FROM attempts WHERE request_id = ?")
            guard let row = try Row.fetchOne(statement, arguments: [requestID]) else { return nil }
            let principal: String = try row.decode(forColumn: "principal")
            let key: String = try row.decode(forColumn: "key")
            return try Self.fetchRecord(ReplayRecordID(principal: principal, key: key), db)
        }
    }

    static func recordExists(_ id: ReplayRecordID, _ db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM replays WHERE principal = ? AND key = ?")
        return try Bool.fetchOne(statement, arguments: [id.principal, id.key]) == true
    }
}

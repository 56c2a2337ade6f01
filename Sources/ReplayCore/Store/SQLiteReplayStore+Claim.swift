import GRDB

extension SQLiteReplayStore {
    /// See `ReplayStore.claim`. One `BEGIN IMMEDIATE` transaction: the lookup and the insert happen under the write
    /// lock, so of any number of concurrent claims of one id (from this process or another), exactly one inserts.
    /// `record.attempts` is not stored (a new record has none).
    public func claim(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        firstAttempt: String?
    ) async throws(StoreError) -> ClaimResult {
        try await write("claiming \(record.id)") { db in
            if let existing = try Self.fetchRecord(record.id, db) {
                return existing.fingerprint == record.fingerprint ? .existing(existing) : .fingerprintMismatch(existing)
            }
            var inserted = record
            inserted.attempts = []
            if let coalesceSince, !record.force,
                let target = try Self.coalescingTarget(for: record, since: coalesceSince, db)
            {
                inserted.coalescedFrom = target.id
                if target.state == .succeeded {
                    inserted.state = .succeeded
                    inserted.newRunID = target.newRunID
                    inserted.responseStatus = target.responseStatus
                    inserted.responseBody = target.responseBody
                } else {
                    inserted.state = .pending
                }
                try Self.insertRecord(inserted, db)
                return .coalesced(inserted, into: target)
            }
            if let firstAttempt {
                inserted = inserted.recordingAttempt(requestID: firstAttempt, at: record.createdAt)
            }
            try Self.insertRecord(inserted, db)
            for attempt in inserted.attempts { try Self.insertAttempt(attempt, of: inserted.id, db) }
            return .created(inserted)
        }
    }

    /// The newest record `record` can be coalesced into: same action, run id and checkpoint, any principal, created
    /// at or after `since`, not `failed`, and not itself coalesced (so `coalescedFrom` always names the record that
    /// drives the upstream replay, never a chain). Uses `replays_coalescing`.
    static func coalescingTarget(for record: ReplayRecord, since: Int64, _ db: Database) throws -> ReplayRecord? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(replayColumns) FROM replays
                WHERE action = ? AND run_id = ? AND from_checkpoint IS ? AND created_at >= ?
                    AND state <> 'failed' AND coalesced_from_key IS NULL
                ORDER BY created_at DESC, rowid DESC
                LIMIT 1
                """
        )
        let arguments: StatementArguments = [record.action, record.runID, record.fromCheckpoint, since]
        guard let row = try Row.fetchOne(statement, arguments: arguments) else { return nil }
        return try decodeRecord(row, db)
    }
}

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
            switch try Self.decideClaim(record, coalesceSince: coalesceSince, db) {
            case .existing(let existing): return .existing(existing)
            case .fingerprintMismatch(let existing): return .fingerprintMismatch(existing)
            case .coalesce(let target):
                return .coalesced(try Self.insertCoalesced(record, into: target, db), into: target)
            case .create: break
            }
            var inserted = record
            inserted.attempts = []
            if let firstAttempt {
                inserted = inserted.recordingAttempt(requestID: firstAttempt, at: record.createdAt)
            }
            try Self.insertRecord(inserted, db)
            for attempt in inserted.attempts { try Self.insertAttempt(attempt, of: inserted.id, db) }
            return .created(inserted)
        }
    }

    /// See `ReplayStore.previewClaim`: the same decision as ``claim(_:coalesceSince:firstAttempt:)``, made by the
    /// same function in a read transaction, and nothing written.
    public func previewClaim(_ record: ReplayRecord, coalesceSince: Int64?) async throws(StoreError) -> ClaimPreview {
        try await read("previewing the claim of \(record.id)") { db in
            try Self.decideClaim(record, coalesceSince: coalesceSince, db)
        }
    }

    /// What a claim of `record` decides, before it writes anything: the one place both `claim` and `previewClaim`
    /// take the decision, so that explain cannot drift from the claim.
    /// The rules are ``ClaimPreview/decide(_:coalesceSince:existing:target:)``'s, shared with PostgreSQL.
    static func decideClaim(_ record: ReplayRecord, coalesceSince: Int64?, _ db: Database) throws -> ClaimPreview {
        try ClaimPreview.decide(record, coalesceSince: coalesceSince, existing: try fetchRecord(record.id, db)) {
            since in try coalescingTarget(for: record, since: since, db)
        }
    }

    /// Inserts `record` coalesced into `target`: it copies a succeeded target's answer, otherwise waits `pending`.
    private static func insertCoalesced(
        _ record: ReplayRecord,
        into target: ReplayRecord,
        _ db: Database
    ) throws
        -> ReplayRecord
    {
        var inserted = record
        inserted.attempts = []
        inserted.coalescedFrom = target.id
        if target.state == .succeeded {
            inserted.state = .succeeded
            inserted.newRunID = target.newRunID
            inserted.responseStatus = target.responseStatus
            inserted.responseBody = target.responseBody
        } else {
            inserted.state = .pending
        }
        try insertRecord(inserted, db)
        return inserted
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

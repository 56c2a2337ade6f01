import Logging
import PostgresNIO

extension PostgresReplayStore {
    /// See `ReplayStore.claim`. A unique insert: `INSERT … ON CONFLICT (principal, key) DO NOTHING`, so of any
    /// number of concurrent claims of one id, from this instance or another, exactly one inserts and the others
    /// wait for its commit and then find its record. Coalescing first takes a transaction-scoped advisory lock on
    /// the action, run and checkpoint: the lookup and the insert are atomic against every other instance's claim of
    /// the same run, as `BEGIN IMMEDIATE` makes them in SQLite.
    public func claim(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        firstAttempt: String?
    ) async throws(StoreError) -> ClaimResult {
        try await write("claiming \(record.id)") { connection, logger in
            var inserted = record
            inserted.attempts = []
            switch try await Self.decideClaim(record, coalesceSince: coalesceSince, lock: true, connection, logger) {
            case .existing(let existing): return .existing(existing)
            case .fingerprintMismatch(let existing): return .fingerprintMismatch(existing)
            case .coalesce(let target):
                inserted.coalescedFrom = target.id
                if target.state == .succeeded {
                    inserted.state = .succeeded
                    inserted.newRunID = target.newRunID
                    inserted.responseStatus = target.responseStatus
                    inserted.responseBody = target.responseBody
                } else {
                    inserted.state = .pending
                }
                guard try await Self.insertRecordIfAbsent(inserted, connection, logger) else {
                    return try await Self.claimedMeanwhile(record, connection, logger)
                }
                return .coalesced(inserted, into: target)
            case .create: break
            }
            if let firstAttempt {
                inserted = inserted.recordingAttempt(requestID: firstAttempt, at: record.createdAt)
            }
            guard try await Self.insertRecordIfAbsent(inserted, connection, logger) else {
                return try await Self.claimedMeanwhile(record, connection, logger)
            }
            for attempt in inserted.attempts {
                try await Self.insertAttempt(attempt, of: inserted.id, connection, logger)
            }
            return .created(inserted)
        }
    }

    /// See `ReplayStore.previewClaim`: the same decision as ``claim(_:coalesceSince:firstAttempt:)``, by the same
    /// rules (``ClaimPreview/decide(_:coalesceSince:existing:target:)``, shared with SQLite), on a pooled read
    /// connection, taking no lock and writing nothing.
    public func previewClaim(_ record: ReplayRecord, coalesceSince: Int64?) async throws(StoreError) -> ClaimPreview {
        try await read("previewing the claim of \(record.id)") { connection, logger in
            try await Self.decideClaim(record, coalesceSince: coalesceSince, lock: false, connection, logger)
        }
    }

    /// What a claim of `record` decides. With `lock`, the run's advisory lock is taken before the coalescing
    /// lookup (and held to the batch's commit), so the lookup and the insert that follows are atomic against every
    /// other instance's claim of the same run.
    private static func decideClaim(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        lock: Bool,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> ClaimPreview {
        let existing = try await fetchRecord(record.id, connection, logger)
        return try await ClaimPreview.decide(record, coalesceSince: coalesceSince, existing: existing) { since in
            if lock { try await lockRun(of: record, connection, logger) }
            return try await coalescingTarget(for: record, since: since, connection, logger)
        }
    }

    /// Another instance inserted `record.id` between this claim's lookup and its insert (the insert waited for
    /// that commit, then did nothing): answer from its record.
    private static func claimedMeanwhile(
        _ record: ReplayRecord,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> ClaimResult {
        guard let existing = try await fetchRecord(record.id, connection, logger) else {
            throw StoreError(.io, "the record \(record.id) was claimed and removed again while claiming it")
        }
        return switch ClaimPreview.answer(record, existing: existing) {
        case .fingerprintMismatch: .fingerprintMismatch(existing)
        default: .existing(existing)
        }
    }

    /// Takes the transaction-scoped advisory lock of `record`'s action, run and checkpoint (released at the
    /// batch's commit or rollback), so coalescing decisions about one run are serialized fleet-wide.
    private static func lockRun(
        of record: ReplayRecord,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        var binds = PostgresBindings()
        binds.append(
            "replayd.coalesce|\(record.action)|\(record.runID)|\(record.fromCheckpoint.map(String.init) ?? "-")"
        )
        try await rows(connection, logger, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", binds)
    }

    /// The newest record `record` can be coalesced into: same action, run id and checkpoint, any principal,
    /// created at or after `since`, not `failed`, and not itself coalesced. Uses `replays_coalescing`.
    static func coalescingTarget(
        for record: ReplayRecord,
        since: Int64,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> ReplayRecord? {
        var binds = PostgresBindings()
        binds.append(record.action)
        binds.append(record.runID)
        binds.append(record.fromCheckpoint)
        binds.append(since)
        let sql = recordsQuery(
            picked: """
                SELECT \(replayColumns), seq FROM replays
                WHERE action = $1 AND run_id = $2
                    AND (from_checkpoint = $3 OR (from_checkpoint IS NULL AND $3::bigint IS NULL))
                    AND created_at >= $4 AND state <> 'failed' AND coalesced_from_key IS NULL
                ORDER BY created_at DESC, seq DESC
                LIMIT 1
                """,
            order: "p.seq"
        )
        return try decodeRecords(try await rows(connection, logger, sql, binds)).first
    }
}

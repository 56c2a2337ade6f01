import Audit
import Logging

/// Pause and resume (`replayctl pause|resume`): while a scope is paused, its new replays are accepted durably
/// and answered `202 paused`, and nothing of that scope is sent upstream; records already in the store are held
/// at their next send. On resume, held replays are released one at a time, in creation order, each through the
/// pacer (the learned upstream limit). Pauses are stored in the state database, so they survive a restart.
extension ReplayEngine {
    /// The `error_code` of a replay held by a pause (its state stays `pending`).
    public static let pausedCode = "paused"

    static func pausedMessage(_ entry: PauseEntry) -> String {
        "replays are paused (\(entry.scope)\(entry.reason.map { ": \($0)" } ?? "")); the replay is accepted and "
            + "will be sent after `replayctl resume`"
    }

    static func isHeld(_ record: ReplayRecord) -> Bool {
        record.state == .pending && record.errorCode == pausedCode && record.coalescedFrom == nil
    }

    /// Pauses `scope` on behalf of `by`: stored durably, then in force, then audited.
    public func pause(_ scope: PauseScope, reason: String?, by: String) async throws(StoreError) -> PauseStatus {
        let entry = PauseEntry(scope: scope, reason: reason, pausedAt: clock.wallNowMilliseconds(), by: by)
        try await pause.pause(entry)
        logger.notice(
            "replays paused",
            metadata: ["scope": "\(scope.storageKey)", "by": "\(by)", "reason": "\(reason ?? "")"]
        )
        var details: [(String, AuditJSON)] = [("scope", .string(scope.storageKey)), ("by", .string(by))]
        if let reason { details.append(("reason", .string(reason))) }
        await auditor.lifecycle("pause", details: details)
        return try await pauseStatus()
    }

    /// Resumes `scope` (`nil`: every pause) on behalf of `by`, and wakes the worker to release held replays.
    public func resume(_ scope: PauseScope?, by: String) async throws(StoreError) -> PauseStatus {
        let removed = try await pause.resume(scope)
        logger.notice(
            "replays resumed",
            metadata: ["scope": "\(scope?.storageKey ?? "every pause")", "by": "\(by)", "removed": "\(removed.count)"]
        )
        await auditor.lifecycle(
            "resume",
            details: [
                ("scope", .string(scope?.storageKey ?? "every pause")), ("by", .string(by)),
                ("removed", .array(removed.map { .string($0.scope.storageKey) })),
            ]
        )
        return try await pauseStatus()
    }

    /// The pauses in force and how many replays are held.
    public func pauseStatus() async throws(StoreError) -> PauseStatus {
        let held = try await store.records(in: [.pending], principal: nil, limit: 10_000).filter(Self.isHeld).count
        return PauseStatus(entries: pause.current, held: held)
    }

    /// Sends the held replays whose scope is no longer paused, one at a time in creation order: each waits for
    /// the one before it to have been sent and answered (or to have rested), and each goes through the pacer.
    /// Stops at shutdown, or when its task is cancelled; what is left is released by the next call (the worker's
    /// next sweep, or the next start). Returns how many were released.
    @discardableResult
    public func releaseHeld() async throws(StoreError) -> Int {
        var released = 0
        for record in try await store.unfinished(limit: 10_000) where Self.isHeld(record) {
            guard !drivers.isDraining, !Task.isCancelled else { break }
            guard pause.holding(source: record.source) == nil else { continue }
            guard !drivers.isActive(record.id) else { continue }
            let handle = startDriver(record.id, logger: logger)
            released += 1
            guard await handle.waitUntilSent() else { break }
        }
        if released > 0 {
            logger.notice("released held replays in order", metadata: ["count": "\(released)"])
        }
        return released
    }
}

extension ReplayEngine {
    /// The counts of the last sweep.
    public var recordCounts: RecordCounts { counts.withLock { $0 } }

    /// Counts the records that wait (at most 10 000 of each kind), for the metrics; the worker calls it at each
    /// sweep.
    public func refreshRecordCounts() async throws(StoreError) {
        var fresh = RecordCounts()
        for record in try await store.unfinished(limit: 10_000) {
            if Self.isHeld(record) { fresh.held += 1 } else { fresh.unfinished += 1 }
        }
        fresh.indeterminate = try await store.records(in: [.indeterminate], principal: nil, limit: 10_000).count
        counts.withLock { $0 = fresh }
    }
}

import Audit

/// A ``ReplayStore`` that writes the audit trail of every attempt and final outcome *before* committing it, and
/// refuses to record a new attempt (so nothing is sent) while the audit log cannot be written.
///
/// It audits from the caller's copy of the record and never reads the record back.
///
/// When the audit write fails, the store write is not made and a ``StoreError`` is thrown. The engine treats
/// that like any store failure: the record stays where it was (an attempt with no recorded result is reconciled
/// before anything else), and the step is retried with backoff once the log works again. So an outcome is never
/// committed, and never reaches a caller, without its audit record.
public struct AuditedReplayStore: ReplayStore {
    private let base: any ReplayStore
    private let auditor: ReplayAuditor

    /// Wraps `base`.
    public init(_ base: any ReplayStore, auditor: ReplayAuditor) {
        self.base = base
        self.auditor = auditor
    }

    public func claim(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        firstAttempt: String?
    ) async throws(StoreError) -> ClaimResult {
        if firstAttempt != nil { try requireWritableLog() }
        return try await base.claim(record, coalesceSince: coalesceSince, firstAttempt: firstAttempt)
    }

    public func previewClaim(_ record: ReplayRecord, coalesceSince: Int64?) async throws(StoreError) -> ClaimPreview {
        try await base.previewClaim(record, coalesceSince: coalesceSince)
    }

    public func record(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord? {
        try await base.record(id)
    }

    public func record(forAttemptRequestID requestID: String) async throws(StoreError) -> ReplayRecord? {
        try await base.record(forAttemptRequestID: requestID)
    }

    public func recordAttempt(
        _ record: ReplayRecord,
        requestID: String,
        at time: Int64
    ) async throws(StoreError) -> ReplayRecord {
        try requireWritableLog()
        return try await base.recordAttempt(record, requestID: requestID, at: time)
    }

    /// An attempt is recorded only while the log can be written: what is recorded may be sent.
    private func requireWritableLog() throws(StoreError) {
        let status = auditor.status
        guard status.writable else {
            throw StoreError(
                .unavailable,
                "the audit log cannot be written (\(status.degradedReason ?? "degraded")); nothing is sent until it can"
            )
        }
    }

    public func finishAttempt(
        _ record: ReplayRecord,
        attempt number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError) -> ReplayRecord {
        try await audit { () async throws(AuditError) in
            try await auditor.attempt(record, number: number, outcome: outcome, status: status, detail: detail)
            if change.state?.isFinal == true || change.state == .indeterminate {
                try await auditor.outcome(record, change: change, at: time)
            }
        }
        return try await base.finishAttempt(
            record,
            attempt: number,
            outcome: outcome,
            status: status,
            detail: detail,
            at: time,
            change
        )
    }

    @discardableResult
    public func update(
        _ record: ReplayRecord,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError) -> ReplayRecord {
        if let state = change.state, state.isFinal || state == .indeterminate, record.state != state {
            try await audit { () async throws(AuditError) in
                try await auditor.outcome(record, change: change, at: time)
            }
        }
        return try await base.update(record, at: time, change)
    }

    public func release(_ record: ReplayRecord) async throws(StoreError) {
        try await base.release(record)
    }

    public func unfinished(limit: Int) async throws(StoreError) -> [ReplayRecord] {
        try await base.unfinished(limit: limit)
    }

    public func records(
        in states: Set<ReplayState>,
        principal: String?,
        limit: Int
    ) async throws(StoreError) -> [ReplayRecord] {
        try await base.records(in: states, principal: principal, limit: limit)
    }

    public func prune(updatedBefore cutoff: Int64) async throws(StoreError) -> Int {
        try await base.prune(updatedBefore: cutoff)
    }

    private func audit(_ body: () async throws(AuditError) -> Void) async throws(StoreError) {
        do {
            try await body()
        } catch {
            throw StoreError(.unavailable, "the audit log could not record it (\(error)); it is retried")
        }
    }
}

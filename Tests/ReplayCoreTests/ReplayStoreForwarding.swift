@testable import ReplayCore

/// A test double of ``ReplayStore`` that forwards to `base` every requirement it does not implement itself, so a
/// double states only what it observes or changes (``ReadCountingReplayStore`` counts reads; the pruner's tests
/// watch `prune`).
protocol ReplayStoreForwarding: ReplayStore {
    /// The store every call not implemented by the double goes to.
    var base: any ReplayStore { get }
}

extension ReplayStoreForwarding {
    func claim(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        firstAttempt: String?
    ) async throws(StoreError) -> ClaimResult {
        try await base.claim(record, coalesceSince: coalesceSince, firstAttempt: firstAttempt)
    }

    func previewClaim(_ record: ReplayRecord, coalesceSince: Int64?) async throws(StoreError) -> ClaimPreview {
        try await base.previewClaim(record, coalesceSince: coalesceSince)
    }

    func record(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord? {
        try await base.record(id)
    }

    func record(forAttemptRequestID requestID: String) async throws(StoreError) -> ReplayRecord? {
        try await base.record(forAttemptRequestID: requestID)
    }

    func recordAttempt(
        _ record: ReplayRecord,
        requestID: String,
        at time: Int64
    ) async throws(StoreError) -> ReplayRecord {
        try await base.recordAttempt(record, requestID: requestID, at: time)
    }

    func finishAttempt(
        _ record: ReplayRecord,
        attempt number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError) -> ReplayRecord {
        try await base.finishAttempt(
            record,
            attempt: number,
            outcome: outcome,
            status: status,
            detail: detail,
            at: time,
            change
        )
    }

    func update(_ record: ReplayRecord, at time: Int64, _ change: RecordChange) async throws(StoreError) -> ReplayRecord
    {
        try await base.update(record, at: time, change)
    }

    func release(_ record: ReplayRecord) async throws(StoreError) {
        try await base.release(record)
    }

    func unfinished(limit: Int) async throws(StoreError) -> [ReplayRecord] {
        try await base.unfinished(limit: limit)
    }

    func records(in states: Set<ReplayState>, principal: String?, limit: Int) async throws(StoreError) -> [ReplayRecord]
    {
        try await base.records(in: states, principal: principal, limit: limit)
    }

    func prune(updatedBefore cutoff: Int64) async throws(StoreError) -> Int {
        try await base.prune(updatedBefore: cutoff)
    }
}

import Synchronization

@testable import ReplayCore

/// A ``ReplayStore`` that forwards everything to `base` and counts the reads of one record by id
/// (``record(_:)``): what a test of "no read-backs" counts.
final class ReadCountingReplayStore: ReplayStore {
    private let base: any ReplayStore
    private let reads = Atomic(0)

    init(_ base: any ReplayStore) {
        self.base = base
    }

    /// How many times ``record(_:)`` was called.
    var recordReads: Int { reads.load(ordering: .relaxed) }

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
        reads.add(1, ordering: .relaxed)
        return try await base.record(id)
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

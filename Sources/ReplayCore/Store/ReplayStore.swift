/// Durable replay state: the idempotency-key claim, attempts recorded before they are sent, and final answers.
/// Every method is one transaction. `SQLiteReplayStore` is the production implementation.
public protocol ReplayStore: Sendable {
    /// Claims `record.id` atomically (a unique insert).
    ///
    /// - If no record has this id:
    ///   - with `coalesceSince` set and `record.force == false`, looks for the newest record of the same action,
    ///     run id and checkpoint (any principal) created at or after `coalesceSince` whose state is not `failed`
    ///     and that is not itself coalesced (so `coalescedFrom` always names the record that drives the upstream
    ///     replay, never a chain). If there is one, inserts `record` with `coalescedFrom` = that record's id
    ///     (copying its state, newRunID, responseStatus and responseBody when it is `succeeded`, otherwise state
    ///     `pending`) and returns `.coalesced(inserted, into: that)`;
    ///   - otherwise inserts `record` and returns `.created(record)`.
    /// - If a record has this id and the same fingerprint: `.existing(record)` (the caller answers from it).
    /// - If a record has this id and another fingerprint: `.fingerprintMismatch(existing)` (422).
    ///
    /// With `firstAttempt` (the request id of attempt 1), a `.created` record is stored with that attempt already
    /// recorded and `in_flight`, in the same commit: a new replay waits for one sync before it is sent, not two.
    /// (A crash before the send leaves it to be reconciled, like any attempt without a result.)
    func claim(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        firstAttempt: String?
    ) async throws(StoreError) -> ClaimResult

    /// What ``claim(_:coalesceSince:firstAttempt:)`` would decide for `record` now, without writing anything (no
    /// claim, no insert): explain and dry-run. Implementations take the decision with the same code as `claim`.
    func previewClaim(_ record: ReplayRecord, coalesceSince: Int64?) async throws(StoreError) -> ClaimPreview

    /// The record with this id and its attempts, or `nil`.
    func record(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord?

    /// The record holding the attempt with this `X-Request-Id`, or `nil`.
    func record(forAttemptRequestID requestID: String) async throws(StoreError) -> ReplayRecord?

    /// Appends an attempt to `record` (number = its last + 1, outcome `.recorded`) and sets it `in_flight`,
    /// clearing `nextActionAt`. Durable before it returns: the caller sends only afterwards. Returns the record
    /// as stored (``ReplayRecord/recordingAttempt(requestID:at:)``), without reading it back.
    ///
    /// `record` is the caller's current copy: the store writes the change, and uses the copy only for what it
    /// writes alongside (the attempt's number, the audit trail).
    func recordAttempt(
        _ record: ReplayRecord,
        requestID: String,
        at time: Int64
    ) async throws(StoreError)
        -> ReplayRecord

    /// Stores the result of `record`'s attempt `number` and applies `change` in ONE durable commit. Returns the
    /// record as stored, computed in memory.
    func finishAttempt(
        _ record: ReplayRecord,
        attempt number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError)
        -> ReplayRecord

    /// Applies `change` to `record` and sets `updatedAt`. Returns the record after the change
    /// (``ReplayRecord/applying(_:at:)``), computed in memory.
    @discardableResult
    func update(
        _ record: ReplayRecord,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError)
        -> ReplayRecord

    /// Deletes `record` (and its attempts), which the caller has just claimed and not driven: the request was
    /// refused after all (its audit record could not be written), nothing was sent, and the key is free again.
    func release(_ record: ReplayRecord) async throws(StoreError)

    /// Records that are not final (`pending`, `in_flight`, `reconciling`), oldest first: what crash recovery and
    /// the background worker resume.
    func unfinished(limit: Int) async throws(StoreError) -> [ReplayRecord]

    /// Records in `state` (any principal when `principal` is nil), newest first.
    func records(in states: Set<ReplayState>, principal: String?, limit: Int) async throws(StoreError) -> [ReplayRecord]

    /// Deletes final and indeterminate records (and their attempts) whose `updatedAt` is before `cutoff`.
    /// Returns how many records were deleted.
    func prune(updatedBefore cutoff: Int64) async throws(StoreError) -> Int
}

extension ReplayStore {
    /// ``claim(_:coalesceSince:firstAttempt:)`` without recording an attempt.
    public func claim(_ record: ReplayRecord, coalesceSince: Int64?) async throws(StoreError) -> ClaimResult {
        try await claim(record, coalesceSince: coalesceSince, firstAttempt: nil)
    }
}

/// What `claim` found.
public enum ClaimResult: Sendable, Hashable {
    /// A new record: this caller drives it.
    case created(ReplayRecord)
    /// The key exists with the same fingerprint: answer from it (final → replay it; otherwise 409 / wait).
    case existing(ReplayRecord)
    /// The key exists for a different request: 422.
    case fingerprintMismatch(ReplayRecord)
    /// A new record was inserted, coalesced into an earlier replay of the same run and checkpoint.
    case coalesced(ReplayRecord, into: ReplayRecord)

    /// The record this claim inserted (`created` or `coalesced`), or `nil`.
    public var inserted: ReplayRecord? {
        switch self {
        case .created(let record), .coalesced(let record, into: _): return record
        case .existing, .fingerprintMismatch: return nil
        }
    }
}

/// What a claim would decide, before it writes: ``ReplayStore/previewClaim(_:coalesceSince:)``'s answer, and the
/// decision ``ReplayStore/claim(_:coalesceSince:firstAttempt:)`` acts on.
public enum ClaimPreview: Sendable, Hashable {
    /// No record has the key, and nothing to coalesce into: a new record would be inserted and driven.
    case create
    /// The key exists with the same fingerprint: the answer would come from it.
    case existing(ReplayRecord)
    /// The key exists for a different request: 422.
    case fingerprintMismatch(ReplayRecord)
    /// A new record would be inserted, coalesced into this earlier replay of the same run and checkpoint.
    case coalesce(into: ReplayRecord)
}

/// A change to a record; `nil` fields are left alone unless named in `clear`.
public struct RecordChange: Sendable, Hashable {
    public var state: ReplayState?
    public var nextActionAt: Int64?
    public var reconcileDeadline: Int64?
    public var projectID: String?
    public var newRunID: String?
    public var responseStatus: Int?
    public var responseBody: [UInt8]?
    public var errorCode: String?
    public var errorMessage: String?
    public var resolution: String?
    /// Fields to set to NULL.
    public var clear: Set<Field>

    /// Nullable fields.
    public enum Field: String, Sendable, Hashable {
        case nextActionAt, reconcileDeadline, errorCode, errorMessage
    }

    /// Creates a change.
    public init(
        state: ReplayState? = nil,
        nextActionAt: Int64? = nil,
        reconcileDeadline: Int64? = nil,
        projectID: String? = nil,
        newRunID: String? = nil,
        responseStatus: Int? = nil,
        responseBody: [UInt8]? = nil,
        errorCode: String? = nil,
        errorMessage: String? = nil,
        resolution: String? = nil,
        clear: Set<Field> = []
    ) {
        self.state = state
        self.nextActionAt = nextActionAt
        self.reconcileDeadline = reconcileDeadline
        self.projectID = projectID
        self.newRunID = newRunID
        self.responseStatus = responseStatus
        self.responseBody = responseBody
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.resolution = resolution
        self.clear = clear
    }
}

/// The store failed (I/O, corruption, a full disk). Callers answer 503 and change nothing upstream.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public enum Code: String, Sendable, Hashable {
        /// The database could not be opened or migrated.
        case unavailable
        /// A read or write failed.
        case io
        /// A record that must exist does not.
        case notFound = "not_found"
    }

    /// What failed.
    public var code: Code
    /// A sentence for operators (never a secret).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

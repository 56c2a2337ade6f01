/// The durable record of one replay request: everything needed to finish it after a crash, and to answer a
/// repeat of the same key. Times are Unix milliseconds (wall clock), because they must survive a restart.
public struct ReplayRecord: Sendable, Hashable {
    /// `(principal, key)`: keys are scoped per principal.
    public var principal: String
    /// The idempotency key (1–255 printable ASCII).
    public var key: String
    /// Where the key came from.
    public var keySource: KeySource
    /// SHA-256 hex of the request's identity (action, run id, checkpoint): same key + different fingerprint → 422.
    public var fingerprint: String
    /// The action, `replay` for now.
    public var action: String
    /// The run to replay.
    public var runID: String
    /// The checkpoint, if any.
    public var fromCheckpoint: Int64?
    /// Coalescing was bypassed.
    public var force: Bool
    /// The door it came through (`socket`, `rpc`, ...).
    public var door: String
    /// The gateway request id of the request that created the record.
    public var requestID: String
    /// The state.
    public var state: ReplayState
    /// When the record was created.
    public var createdAt: Int64
    /// When it last changed.
    public var updatedAt: Int64
    /// When the background worker should next act on it (a retry after backoff or `Retry-After`, or the next
    /// reconciliation); `nil` when nothing is scheduled.
    public var nextActionAt: Int64?
    /// After this time, reconciliation gives up and the record becomes `indeterminate`.
    public var reconcileDeadline: Int64?
    /// The original run's project, learned during reconciliation (the list filter needs it).
    public var projectID: String?
    /// The run Strait created, once known.
    public var newRunID: String?
    /// When this request was coalesced into an earlier replay of the same run and checkpoint: that replay's key.
    public var coalescedFrom: ReplayRecordID?
    /// The final answer (status and body) for a final record; replayed verbatim for the same key.
    public var responseStatus: Int?
    /// The final body (the JobRun JSON for a success, the envelope for a failure).
    public var responseBody: [UInt8]?
    /// For a failure or an indeterminate record: a replayd or Strait error code.
    public var errorCode: String?
    /// A sentence describing the error.
    public var errorMessage: String?
    /// An operator's note, set by `replayctl resolve`.
    public var resolution: String?
    /// The upstream attempts, oldest first (loaded with the record).
    public var attempts: [AttemptRecord]
    /// The `[[sources]]` name of a webhook replay; `nil` for the socket. A pause of one source holds its replays.
    public var source: String?

    /// The record's identity.
    public var id: ReplayRecordID { ReplayRecordID(principal: principal, key: key) }

    /// Creates a new `pending` record.
    public init(
        principal: String,
        key: String,
        keySource: KeySource,
        fingerprint: String,
        action: String = "replay",
        runID: String,
        fromCheckpoint: Int64?,
        force: Bool,
        door: String,
        requestID: String,
        createdAt: Int64
    ) {
        self.principal = principal
        self.key = key
        self.keySource = keySource
        self.fingerprint = fingerprint
        self.action = action
        self.runID = runID
        self.fromCheckpoint = fromCheckpoint
        self.force = force
        self.door = door
        self.requestID = requestID
        self.state = .pending
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.attempts = []
    }
}

/// A replay record's identity: keys are scoped per principal.
public struct ReplayRecordID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The principal.
    public var principal: String
    /// The key.
    public var key: String

    /// Creates an identity.
    public init(principal: String, key: String) {
        self.principal = principal
        self.key = key
    }

    public var description: String { "\(principal)/\(key)" }
}

/// One upstream attempt, recorded durably *before* it is sent.
public struct AttemptRecord: Sendable, Hashable {
    /// 1, 2, 3, ... within the record.
    public var number: Int
    /// The `X-Request-Id` it carries (unique across all records).
    public var requestID: String
    /// When it was recorded (before sending).
    public var recordedAt: Int64
    /// How it ended; `.recorded` until its result is stored.
    public var outcome: AttemptOutcome
    /// The status, for `.answered`.
    public var status: Int?
    /// A short description (a curl error code, a Strait error code); never a secret.
    public var detail: String?
    /// When its result was recorded.
    public var finishedAt: Int64?

    /// Creates an attempt record.
    public init(
        number: Int,
        requestID: String,
        recordedAt: Int64,
        outcome: AttemptOutcome = .recorded,
        status: Int? = nil,
        detail: String? = nil,
        finishedAt: Int64? = nil
    ) {
        self.number = number
        self.requestID = requestID
        self.recordedAt = recordedAt
        self.outcome = outcome
        self.status = status
        self.detail = detail
        self.finishedAt = finishedAt
    }
}

/// A Strait job run (`domain/types.go` JobRun), decoded tolerantly: unknown fields are ignored, every field that
/// Strait may omit is optional, and timestamps accept 0–9 fractional digits.
///
/// Encoding writes the fields in Strait's JSON names and omits `nil`s, matching the server's `omitempty`.
public struct JobRun: Sendable, Hashable, Codable {
    public var id: String
    public var jobID: String
    public var projectID: String
    public var status: RunStatus
    public var attempt: Int
    public var triggeredBy: String
    public var priority: Int
    public var jobVersion: Int
    public var debugMode: Bool
    public var lineageDepth: Int
    public var createdAt: StraitTimestamp

    public var tags: [String: JSONValue]?
    public var payload: JSONValue?
    public var metadata: [String: JSONValue]?
    public var expiresAt: StraitTimestamp?
    public var jobVersionID: String?
    public var createdBy: String?
    public var result: JSONValue?
    public var error: String?
    public var errorClass: String?
    public var startedAt: StraitTimestamp?
    public var finishedAt: StraitTimestamp?
    public var heartbeatAt: StraitTimestamp?
    public var nextRetryAt: StraitTimestamp?
    public var scheduledAt: StraitTimestamp?
    public var executionMode: String?
    public var queueName: String?
    public var idempotencyKey: String?
    public var parentRunID: String?
    public var continuationOf: String?

    enum CodingKeys: String, CodingKey {
        case id
        case jobID = "job_id"
        case projectID = "project_id"
        case status, attempt
        case triggeredBy = "triggered_by"
        case priority
        case jobVersion = "job_version"
        case debugMode = "debug_mode"
        case lineageDepth = "lineage_depth"
        case createdAt = "created_at"
        case tags, payload, metadata
        case expiresAt = "expires_at"
        case jobVersionID = "job_version_id"
        case createdBy = "created_by"
        case result, error
        case errorClass = "error_class"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case heartbeatAt = "heartbeat_at"
        case nextRetryAt = "next_retry_at"
        case scheduledAt = "scheduled_at"
        case executionMode = "execution_mode"
        case queueName = "queue_name"
        case idempotencyKey = "idempotency_key"
        case parentRunID = "parent_run_id"
        case continuationOf = "continuation_of"
    }

    /// Creates a run with the always-present fields; the optional ones start `nil`.
    public init(
        id: String,
        jobID: String,
        projectID: String,
        status: RunStatus,
        attempt: Int = 1,
        triggeredBy: String = "manual",
        priority: Int = 0,
        jobVersion: Int = 1,
        debugMode: Bool = false,
        lineageDepth: Int = 0,
        createdAt: StraitTimestamp
    ) {
        self.id = id
        self.jobID = jobID
        self.projectID = projectID
        self.status = status
        self.attempt = attempt
        self.triggeredBy = triggeredBy
        self.priority = priority
        self.jobVersion = jobVersion
        self.debugMode = debugMode
        self.lineageDepth = lineageDepth
        self.createdAt = createdAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        jobID = try c.decodeIfPresent(String.self, forKey: .jobID) ?? ""
        projectID = try c.decodeIfPresent(String.self, forKey: .projectID) ?? ""
        status = try c.decode(RunStatus.self, forKey: .status)
        attempt = try c.decodeIfPresent(Int.self, forKey: .attempt) ?? 0
        triggeredBy = try c.decodeIfPresent(String.self, forKey: .triggeredBy) ?? ""
        priority = try c.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        jobVersion = try c.decodeIfPresent(Int.self, forKey: .jobVersion) ?? 0
        debugMode = try c.decodeIfPresent(Bool.self, forKey: .debugMode) ?? false
        lineageDepth = try c.decodeIfPresent(Int.self, forKey: .lineageDepth) ?? 0
        createdAt =
            try c.decodeIfPresent(StraitTimestamp.self, forKey: .createdAt)
            ?? StraitTimestamp(secondsSinceEpoch: 0, nanoseconds: 0)
        tags = try c.decodeIfPresent([String: JSONValue].self, forKey: .tags)
        payload = try c.decodeIfPresent(JSONValue.self, forKey: .payload)
        metadata = try c.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        expiresAt = try c.decodeIfPresent(StraitTimestamp.self, forKey: .expiresAt)
        jobVersionID = try c.decodeIfPresent(String.self, forKey: .jobVersionID)
        createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
        result = try c.decodeIfPresent(JSONValue.self, forKey: .result)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        errorClass = try c.decodeIfPresent(String.self, forKey: .errorClass)
        startedAt = try c.decodeIfPresent(StraitTimestamp.self, forKey: .startedAt)
        finishedAt = try c.decodeIfPresent(StraitTimestamp.self, forKey: .finishedAt)
        heartbeatAt = try c.decodeIfPresent(StraitTimestamp.self, forKey: .heartbeatAt)
        nextRetryAt = try c.decodeIfPresent(StraitTimestamp.self, forKey: .nextRetryAt)
        scheduledAt = try c.decodeIfPresent(StraitTimestamp.self, forKey: .scheduledAt)
        executionMode = try c.decodeIfPresent(String.self, forKey: .executionMode)
        queueName = try c.decodeIfPresent(String.self, forKey: .queueName)
        idempotencyKey = try c.decodeIfPresent(String.self, forKey: .idempotencyKey)
        parentRunID = try c.decodeIfPresent(String.self, forKey: .parentRunID)
        continuationOf = try c.decodeIfPresent(String.self, forKey: .continuationOf)
    }

    /// The request id Strait recorded for the call that created this run (`metadata._sentry_request_id`), which
    /// is how an ambiguous replay is reconciled.
    public var creatingRequestID: String? {
        metadata?["_sentry_request_id"]?.stringValue
    }
}

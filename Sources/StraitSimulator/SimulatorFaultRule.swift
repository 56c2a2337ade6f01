/// One entry of a ``SimulatorFaultPlan``: a fault, how many matching requests it applies to, and an optional
/// run id to match.
///
/// JSON form (unknown fields are errors; `count` defaults to 1; `run_id` matches the `{runID}` of the path):
/// ```json
/// {"kind": "before_commit", "status": 429, "retry_after": 2}                       // check 1, admission
/// {"kind": "before_commit", "status": 429, "code": "enqueue_throttled", "retry_after": 3}  // check 16
/// {"kind": "before_commit", "status": 503, "count": 2, "run_id": "run_failed_1"}   // enqueue failure
/// {"kind": "after_commit", "mode": "status_500" | "status_504" | "status_429" | "reset" | "stall"}
/// {"kind": "latency", "ms": 250, "count": 10}
/// {"kind": "list_failure", "status": 500 | 503}                                    // GET /v1/runs
/// ```
public struct SimulatorFaultRule: Sendable, Hashable, Codable {
    /// What to inject.
    public var fault: SimulatorFault
    /// How many more matching requests this rule applies to (≥ 1). The rule is removed when it reaches 0.
    public var count: Int
    /// Only requests whose path run id equals this match; `nil` matches every request of the right kind.
    public var runID: String?

    /// Creates a rule.
    public init(_ fault: SimulatorFault, count: Int = 1, runID: String? = nil) {
        self.fault = fault
        self.count = count
        self.runID = runID
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, status, code, mode, ms, count
        case retryAfter = "retry_after"
        case runID = "run_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        var allowed: Set<CodingKeys> = [.kind, .count, .runID]
        switch kind {
        case "before_commit":
            let status = try container.decode(Int.self, forKey: .status)
            allowed.insert(.status)
            if status == 429 {
                allowed.formUnion([.code, .retryAfter])
                let retryAfter = try container.decodeIfPresent(Int.self, forKey: .retryAfter) ?? 1
                guard retryAfter >= 1 else { throw Self.invalid(.retryAfter, in: container, "must be at least 1") }
                switch try container.decodeIfPresent(String.self, forKey: .code) ?? "rate_limited" {
                case "rate_limited": fault = .admissionThrottled(retryAfterSeconds: retryAfter)
                case "enqueue_throttled": fault = .enqueueThrottled(retryAfterSeconds: retryAfter)
                default: throw Self.invalid(.code, in: container, "must be \"rate_limited\" or \"enqueue_throttled\"")
                }
            } else if status == 500 || status == 503 {
                fault = .enqueueFailed(status: status)
            } else {
                throw Self.invalid(.status, in: container, "must be 429, 500 or 503")
            }
        case "after_commit":
            allowed.insert(.mode)
            let text = try container.decode(String.self, forKey: .mode)
            guard let mode = SimulatorFault.AfterCommitMode(rawValue: text) else {
                let modes = SimulatorFault.AfterCommitMode.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw Self.invalid(.mode, in: container, "must be one of \(modes)")
            }
            fault = .afterCommit(mode)
        case "latency":
            allowed.insert(.ms)
            let milliseconds = try container.decode(Int.self, forKey: .ms)
            guard (0...600_000).contains(milliseconds) else {
                throw Self.invalid(.ms, in: container, "must be between 0 and 600000")
            }
            fault = .latency(milliseconds: milliseconds)
        case "list_failure":
            allowed.remove(.runID)
            allowed.insert(.status)
            let status = try container.decode(Int.self, forKey: .status)
            guard status == 500 || status == 503 else {
                throw Self.invalid(.status, in: container, "must be 500 or 503")
            }
            fault = .listFailure(status: status)
        default:
            throw Self.invalid(
                .kind,
                in: container,
                "must be \"before_commit\", \"after_commit\", \"latency\" or \"list_failure\""
            )
        }
        try StrictDecoding.rejectUnknownKeys(in: decoder, allowed: Set(allowed.map(\.rawValue)))
        count = try container.decodeIfPresent(Int.self, forKey: .count) ?? 1
        guard count >= 1 else { throw Self.invalid(.count, in: container, "must be at least 1") }
        runID = try container.decodeIfPresent(String.self, forKey: .runID)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch fault {
        case .admissionThrottled(let retryAfter):
            try container.encode("before_commit", forKey: .kind)
            try container.encode(429, forKey: .status)
            try container.encode("rate_limited", forKey: .code)
            try container.encode(retryAfter, forKey: .retryAfter)
        case .enqueueThrottled(let retryAfter):
            try container.encode("before_commit", forKey: .kind)
            try container.encode(429, forKey: .status)
            try container.encode("enqueue_throttled", forKey: .code)
            try container.encode(retryAfter, forKey: .retryAfter)
        case .enqueueFailed(let status):
            try container.encode("before_commit", forKey: .kind)
            try container.encode(status, forKey: .status)
        case .afterCommit(let mode):
            try container.encode("after_commit", forKey: .kind)
            try container.encode(mode.rawValue, forKey: .mode)
        case .latency(let milliseconds):
            try container.encode("latency", forKey: .kind)
            try container.encode(milliseconds, forKey: .ms)
        case .listFailure(let status):
            try container.encode("list_failure", forKey: .kind)
            try container.encode(status, forKey: .status)
        }
        try container.encode(count, forKey: .count)
        try container.encodeIfPresent(runID, forKey: .runID)
    }

    private static func invalid(
        _ key: CodingKeys,
        in container: KeyedDecodingContainer<CodingKeys>,
        _ message: String
    ) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: message)
    }
}

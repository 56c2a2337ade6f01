/// Replayed runs the simulator has **created**, including those whose response an after-commit fault replaced, and
/// the `Idempotency-Key` every replay request carried. Served as `GET /_sim/replays`:
/// `{"total":N,"by_original_run":{"<id>":n},"by_request_id":{"<rid>":n},"by_idempotency_key":{"<key>":n},
/// "request_ids_by_idempotency_key":{"<key>":["<rid>",…]},"idempotency_replayed":n}` (a request without the header is
/// listed under the empty key).
public struct SimulatorReplayCounts: Sendable, Hashable, Codable {
    /// All runs created by replays.
    public var total: Int
    /// Runs created, by the id of the run that was replayed.
    public var byOriginalRun: [String: Int]
    /// Runs created, by the request id recorded in their `_sentry_request_id` metadata.
    public var byRequestID: [String: Int]
    /// Runs created, by the `Idempotency-Key` of the request that created them (`""` for none).
    public var byIdempotencyKey: [String: Int]
    /// The request id of every replay request that arrived (created a run or not), by its `Idempotency-Key`.
    public var requestIDsByIdempotencyKey: [String: [String]]
    /// Replay requests answered from the idempotency middleware's kept answers (only when it is honoured).
    public var idempotencyReplayed: Int

    enum CodingKeys: String, CodingKey {
        case total
        case byOriginalRun = "by_original_run"
        case byRequestID = "by_request_id"
        case byIdempotencyKey = "by_idempotency_key"
        case requestIDsByIdempotencyKey = "request_ids_by_idempotency_key"
        case idempotencyReplayed = "idempotency_replayed"
    }

    /// Creates counts (zero by default).
    public init(
        total: Int = 0,
        byOriginalRun: [String: Int] = [:],
        byRequestID: [String: Int] = [:],
        byIdempotencyKey: [String: Int] = [:],
        requestIDsByIdempotencyKey: [String: [String]] = [:],
        idempotencyReplayed: Int = 0
    ) {
        self.total = total
        self.byOriginalRun = byOriginalRun
        self.byRequestID = byRequestID
        self.byIdempotencyKey = byIdempotencyKey
        self.requestIDsByIdempotencyKey = requestIDsByIdempotencyKey
        self.idempotencyReplayed = idempotencyReplayed
    }

    mutating func record(originalRunID: String, requestID: String, idempotencyKey: String?) {
        total += 1
        byOriginalRun[originalRunID, default: 0] += 1
        byRequestID[requestID, default: 0] += 1
        byIdempotencyKey[idempotencyKey ?? "", default: 0] += 1
    }

    mutating func recordAttempt(requestID: String, idempotencyKey: String?) {
        requestIDsByIdempotencyKey[idempotencyKey ?? "", default: []].append(requestID)
    }
}

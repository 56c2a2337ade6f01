/// Replayed runs the simulator has **created**, including those whose response an after-commit fault replaced.
/// Served as `GET /_sim/replays`: `{"total":N,"by_original_run":{"<id>":n},"by_request_id":{"<rid>":n}}`.
public struct SimulatorReplayCounts: Sendable, Hashable, Codable {
    /// All runs created by replays.
    public var total: Int
    /// Runs created, by the id of the run that was replayed.
    public var byOriginalRun: [String: Int]
    /// Runs created, by the request id recorded in their `_sentry_request_id` metadata.
    public var byRequestID: [String: Int]

    enum CodingKeys: String, CodingKey {
        case total
        case byOriginalRun = "by_original_run"
        case byRequestID = "by_request_id"
    }

    /// Creates counts (zero by default).
    public init(total: Int = 0, byOriginalRun: [String: Int] = [:], byRequestID: [String: Int] = [:]) {
        self.total = total
        self.byOriginalRun = byOriginalRun
        self.byRequestID = byRequestID
    }

    mutating func record(originalRunID: String, requestID: String) {
        total += 1
        byOriginalRun[originalRunID, default: 0] += 1
        byRequestID[requestID, default: 0] += 1
    }
}

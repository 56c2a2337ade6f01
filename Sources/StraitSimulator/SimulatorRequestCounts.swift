/// Every non-`/_sim` request the simulator received, whatever its outcome (rate-limited, refused, 404...).
/// Served as `GET /_sim/requests`: `{"total":N,"by_route":{"POST /v1/runs/{runID}/replay":n,...}}`.
/// Requests that match no route are counted under `unmatched`.
public struct SimulatorRequestCounts: Sendable, Hashable, Codable {
    /// All requests.
    public var total: Int
    /// Requests by route pattern (`GET /v1/runs/{runID}`) or `unmatched`.
    public var byRoute: [String: Int]

    enum CodingKeys: String, CodingKey {
        case total
        case byRoute = "by_route"
    }

    /// Creates counts (zero by default).
    public init(total: Int = 0, byRoute: [String: Int] = [:]) {
        self.total = total
        self.byRoute = byRoute
    }

    mutating func record(route: String) {
        total += 1
        byRoute[route, default: 0] += 1
    }
}

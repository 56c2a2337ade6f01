import HTTPServer
import NIOHTTP1

/// The operator's routes, served on the socket door and on the admin listener (never on the webhook port):
/// `GET /v1/_ping` (liveness: the process answers), `GET /v1/health` (readiness: 200 when every check holds, else
/// 503, with each check named in the body) and `GET /metrics` (Prometheus text format, when metrics are on).
public struct OperationsEndpoints: Sendable {
    /// The readiness checks.
    public var readiness: ReadinessProbe
    /// The metrics exposition, or `nil` (then `/metrics` is 404).
    public var metrics: (any MetricsExposition)?

    /// Creates the endpoints; the defaults are always ready and have no metrics.
    public init(readiness: ReadinessProbe = ReadinessProbe(checks: []), metrics: (any MetricsExposition)? = nil) {
        self.readiness = readiness
        self.metrics = metrics
    }

    /// The paths these endpoints answer; none needs a mapped principal (they carry no replay data or secret).
    public static let publicPaths: Set<String> = ["/v1/_ping", "/v1/health", "/metrics"]

    /// `GET /v1/health`.
    public func health() async -> HTTPServerResponse {
        let report = await readiness.evaluate()
        var response = HTTPServerResponse.json(report.isReady ? 200 : 503, report)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }

    /// `GET /metrics`, or `nil` when metrics are off.
    public func metricsResponse() -> HTTPServerResponse? {
        guard let metrics else { return nil }
        return HTTPServerResponse(
            status: 200,
            headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"],
            body: metrics.render()
        )
    }
}

/// Renders the daemon's metrics in the Prometheus text exposition format.
public protocol MetricsExposition: Sendable {
    /// The current values, as `text/plain; version=0.0.4`.
    func render() -> [UInt8]
}

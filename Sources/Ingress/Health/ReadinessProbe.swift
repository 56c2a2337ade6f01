/// The checks behind `GET /v1/health`: ready when every one holds. Each check's result is in the body, ready or
/// not, so an operator sees which condition failed.
public struct ReadinessProbe: Sendable {
    private let checks: [any ReadinessCheck]

    /// Creates the probe. An empty list is always ready.
    public init(checks: [any ReadinessCheck]) {
        self.checks = checks
    }

    /// Runs every check, in order.
    public func evaluate() async -> HealthReport {
        var results: [ReadinessResult] = []
        for check in checks {
            results.append(await check.check())
        }
        return HealthReport(checks: results)
    }
}

/// The body of `GET /v1/health`: `{"status":"ready"|"not_ready","checks":[{"name","ok","detail"}…]}`.
public struct HealthReport: Sendable, Hashable, Encodable {
    /// `ready` when every check holds, else `not_ready`.
    public var status: String
    /// Every check's result, in the probe's order.
    public var checks: [ReadinessResult]

    /// Creates the report from the results.
    public init(checks: [ReadinessResult]) {
        self.checks = checks
        self.status = checks.allSatisfy(\.ok) ? "ready" : "not_ready"
    }

    /// Whether every check holds.
    public var isReady: Bool { status == "ready" }
}

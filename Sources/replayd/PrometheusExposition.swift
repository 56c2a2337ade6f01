import Audit
import Ingress
import Prometheus
import ReplayCore

/// `GET /metrics`: the daemon's own Prometheus registry (no global one), with the sampled gauges set just before
/// each rendering.
struct PrometheusExposition: MetricsExposition {
    let registry: PrometheusCollectorRegistry
    let sample: @Sendable () -> Void

    func render() -> [UInt8] {
        sample()
        return registry.emitToBuffer()
    }
}

extension Daemon {
    /// The registry, its swift-metrics factory (histogram buckets per timer), and the daemon's metrics on it.
    static func makeMetrics(sources: Set<String>) -> (registry: PrometheusCollectorRegistry, metrics: ReplaydMetrics) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "replayd_audit_sync_seconds": [
                .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .seconds(1),
            ],
            "replayd_upstream_latency_seconds": [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
                .seconds(30),
            ],
        ]
        return (registry, ReplaydMetrics(factory: factory, sources: sources))
    }

    /// Sets the gauges that describe state now: pauses, breaker, pacer limit, replays in progress, audit health.
    static func sampleGauges(
        metrics: ReplaydMetrics,
        pipeline: ReplayPipeline,
        engine: ReplayEngine,
        audit: AuditLog
    ) {
        let statistics = audit.statistics
        metrics.auditGroups(
            records: statistics.records,
            commits: statistics.batches,
            largest: statistics.largestBatch
        )
        let pause = engine.pause
        let counts = engine.recordCounts
        metrics.gauge("replayd_records", Double(counts.unfinished), ("state", "unfinished"))
        metrics.gauge("replayd_records", Double(counts.held), ("state", "held"))
        metrics.gauge("replayd_records", Double(counts.indeterminate), ("state", "indeterminate"))
        let pauses = pause.current
        metrics.gauge("replayd_paused", pauses.isEmpty ? 0 : 1)
        metrics.gauge("replayd_paused_all", pauses.contains { $0.scope == .all } ? 1 : 0)
        metrics.gauge("replayd_paused_sources", Double(pauses.filter { $0.scope != .all }.count))
        let status = pipeline.status
        for state in ["closed", "open", "half_open"] {
            metrics.gauge("replayd_breaker_state", status.breaker == state ? 1 : 0, ("state", state))
        }
        metrics.gauge("replayd_pacer_limit", Double(status.rateLimit ?? 0))
        metrics.gauge("replayd_pacer_remaining", Double(status.rateLimitRemaining ?? 0))
        metrics.gauge("replayd_active_replays", Double(status.activeReplays))
        metrics.gauge("replayd_audit_writable", pipeline.auditor.status.writable ? 1 : 0)
    }
}

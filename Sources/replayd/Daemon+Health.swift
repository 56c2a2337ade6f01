import Ingress
import ReplayCore

extension Daemon {
    /// The readiness checks behind `GET /v1/health`: the state database, the audit log and its disk floor, the
    /// upstream breaker, the config, and pause (always "not paused" until replays can be paused).
    func readinessProbe(
        pipeline: ReplayPipeline,
        breaker: CircuitBreaker,
        config: StaticReadinessCheck
    ) -> ReadinessProbe {
        ReadinessProbe(checks: [
            StateDatabaseReadinessCheck(path: settings.state.directory + "/replayd.sqlite"),
            AuditReadinessCheck(
                auditor: pipeline.auditor,
                directory: settings.audit.directory(state: settings.state),
                minFreeBytes: Int64(settings.audit.minFreeSpace)
            ),
            BreakerReadinessCheck(breaker: breaker),
            config,
            StaticReadinessCheck(name: "paused", ok: true, detail: "replays are not paused"),
        ])
    }
}

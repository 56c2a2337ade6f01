import Ingress
import ReplayCore

extension Daemon {
    /// The readiness checks behind `GET /v1/health`: the state database, the audit log and its disk floor, the
    /// upstream breaker, the config, and pause (false while any replays are paused).
    func readinessProbe(
        pipeline: ReplayPipeline,
        breaker: CircuitBreaker,
        config: StaticReadinessCheck,
        pause: ReplayPauseGate,
        state: any ReadinessCheck
    ) -> ReadinessProbe {
        ReadinessProbe(checks: [
            state,
            AuditReadinessCheck(
                auditor: pipeline.auditor,
                directory: settings.audit.directory(state: settings.state),
                minFreeBytes: Int64(settings.audit.minFreeSpace)
            ),
            BreakerReadinessCheck(breaker: breaker),
            config,
            PauseReadinessCheck(gate: pause),
        ])
    }
}

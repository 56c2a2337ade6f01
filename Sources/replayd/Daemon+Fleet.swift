import Foundation
import Logging
import ReplayCore
import ServiceLifecycle

extension Daemon {
    /// This instance in the fleet: its identity (`[state] instance_id`; by default the host name and a hash of
    /// `[state] dir`), the view the status route and `/metrics` read (with the leases it holds), and, with the
    /// PostgreSQL backend, the heartbeat into the instance registry, which also samples the fleet's upstream
    /// `budget` (none for SQLite: one instance, no registry, no leases, no shared budget).
    func fleet(
        store: DaemonStateStore,
        clock: any ReplayClock,
        budget: (@Sendable () async -> UpstreamBudgetState?)?
    ) -> (
        view: FleetView, services: [ServiceGroupConfiguration.ServiceConfiguration]
    ) {
        let host = StateInstanceID.currentHostname()
        let identity = InstanceIdentity(
            id: settings.state.resolvedInstanceID(hostname: host),
            host: host,
            pid: Int64(ProcessInfo.processInfo.processIdentifier),
            version: ReplaydVersion.current,
            startedAtMilliseconds: clock.wallNowMilliseconds()
        )
        guard let postgres = store as? PostgresReplayStore else {
            return (FleetView(instanceID: identity.id, registered: false), [])
        }
        let view = FleetView(instanceID: identity.id, registered: true, leases: postgres)
        let heartbeat = InstanceHeartbeatService(
            registry: PostgresInstanceRegistry(client: postgres.client, logger: Logger(label: "replayd.fleet")),
            identity: identity,
            clock: clock,
            view: view,
            budget: budget,
            logger: Logger(label: "replayd.fleet")
        )
        return (view, [.init(service: heartbeat)])
    }

    /// The fleet's gauges: `replayd_instance_info{instance}` (always 1; one series, the id is fixed for the
    /// process), with the registry `replayd_live_instances` (this one included, at the last heartbeat), and with
    /// leases `replayd_leases_held`. (The fleet budget's gauges, `replayd_upstream_budget_*`, are set by the
    /// budget itself at each admission.)
    static func sampleFleetGauges(metrics: ReplaydMetrics, fleet: any FleetStatusSource) {
        let snapshot = fleet.fleetSnapshot
        metrics.gauge("replayd_instance_info", 1, ("instance", snapshot.instanceID))
        if snapshot.registered, let live = snapshot.live {
            metrics.gauge("replayd_live_instances", Double(live.count))
        }
        if let held = snapshot.leasesHeld {
            metrics.gauge("replayd_leases_held", Double(held))
        }
    }
}

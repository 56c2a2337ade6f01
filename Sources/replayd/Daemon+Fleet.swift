import Foundation
import Logging
import ReplayCore
import ServiceLifecycle

extension Daemon {
    /// This instance in the fleet: its identity (`[state] instance_id`, the host name by default), the view the
    /// status route and `/metrics` read, and, with the PostgreSQL backend, the heartbeat into the instance
    /// registry (none for SQLite: one instance, no registry).
    func fleet(
        store: DaemonStateStore,
        clock: any ReplayClock
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
        let view = FleetView(instanceID: identity.id, registered: true)
        let heartbeat = InstanceHeartbeatService(
            registry: PostgresInstanceRegistry(client: postgres.client, logger: Logger(label: "replayd.fleet")),
            identity: identity,
            clock: clock,
            view: view,
            logger: Logger(label: "replayd.fleet")
        )
        return (view, [.init(service: heartbeat)])
    }

    /// The fleet's gauges: `replayd_instance_info{instance}` (always 1; one series, the id is fixed for the
    /// process) and, with the registry, `replayd_live_instances` (this one included, at the last heartbeat).
    ///
    /// Extension points, not wired yet: the leases this instance holds and the fleet's upstream budget get their
    /// gauges here once the lease and budget stores are merged; nothing about them is exported until then.
    static func sampleFleetGauges(metrics: ReplaydMetrics, fleet: any FleetStatusSource) {
        let snapshot = fleet.fleetSnapshot
        metrics.gauge("replayd_instance_info", 1, ("instance", snapshot.instanceID))
        if snapshot.registered, let live = snapshot.live {
            metrics.gauge("replayd_live_instances", Double(live.count))
        }
    }
}

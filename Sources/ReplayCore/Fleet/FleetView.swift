import Synchronization

/// The latest ``FleetSnapshot``: written by ``InstanceHeartbeatService``, read by the status route and metrics.
public final class FleetView: FleetStatusSource {
    private let state: Mutex<FleetSnapshot>
    private let leases: (any ReplayLeaseStore)?

    /// A view of `instanceID`; `registered` when a registry will write to it; `leases`, the store whose held
    /// leases it reports (PostgreSQL), read at each snapshot.
    public init(instanceID: String, registered: Bool, leases: (any ReplayLeaseStore)? = nil) {
        state = Mutex(FleetSnapshot(instanceID: instanceID, registered: registered))
        self.leases = leases
    }

    public var fleetSnapshot: FleetSnapshot {
        var snapshot = state.withLock { $0 }
        snapshot.leasesHeld = leases?.heldLeaseCount
        return snapshot
    }

    /// Records the fleet budget's state, sampled at a heartbeat.
    public func record(budget: UpstreamBudgetState?) {
        state.withLock { $0.budget = budget }
    }

    /// Records a heartbeat that succeeded.
    public func record(_ heartbeat: InstanceHeartbeat) {
        state.withLock {
            $0.live = heartbeat.live
            $0.databaseNowMilliseconds = heartbeat.databaseNowMilliseconds
            $0.skewMilliseconds = heartbeat.skewMilliseconds
            $0.lastError = nil
            $0.claimedByOther = heartbeat.claimedByOther
        }
    }

    /// Records a heartbeat that failed (the last live list stays, with the error beside it).
    public func record(failure: String) {
        state.withLock { $0.lastError = failure }
    }
}

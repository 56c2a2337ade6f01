import Synchronization

/// The latest ``FleetSnapshot``: written by ``InstanceHeartbeatService``, read by the status route and metrics.
public final class FleetView: FleetStatusSource {
    private let state: Mutex<FleetSnapshot>

    /// A view of `instanceID`; `registered` when a registry will write to it.
    public init(instanceID: String, registered: Bool) {
        state = Mutex(FleetSnapshot(instanceID: instanceID, registered: registered))
    }

    public var fleetSnapshot: FleetSnapshot { state.withLock { $0 } }

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

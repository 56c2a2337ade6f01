/// What this instance knows of the fleet, for `GET /v1/gateway/status` and `/metrics`.
///
/// Extension points: the leases this instance holds and the fleet's upstream budget are not part of it yet; they
/// are added here (and to the status body and the sampled gauges, see `Daemon.sampleFleetGauges`) when the lease
/// and budget stores are merged. Until then nothing about them is reported.
public struct FleetSnapshot: Sendable, Hashable {
    /// This instance's id.
    public var instanceID: String
    /// Whether an instance registry runs (the PostgreSQL backend).
    public var registered: Bool
    /// The live instances at the last heartbeat that succeeded, by id; `nil` before the first.
    public var live: [InstanceRecord]?
    /// The database's `now()` at that heartbeat, in Unix milliseconds.
    public var databaseNowMilliseconds: Int64?
    /// This instance's skew at that heartbeat, in milliseconds.
    public var skewMilliseconds: Int64?
    /// Why the last heartbeat failed, when it did.
    public var lastError: String?
    /// Another live process that wrote this instance id's row (a configuration mistake), when one did.
    public var claimedByOther: InstanceRecord?

    /// Creates a snapshot.
    public init(
        instanceID: String,
        registered: Bool,
        live: [InstanceRecord]? = nil,
        databaseNowMilliseconds: Int64? = nil,
        skewMilliseconds: Int64? = nil,
        lastError: String? = nil,
        claimedByOther: InstanceRecord? = nil
    ) {
        self.instanceID = instanceID
        self.registered = registered
        self.live = live
        self.databaseNowMilliseconds = databaseNowMilliseconds
        self.skewMilliseconds = skewMilliseconds
        self.lastError = lastError
        self.claimedByOther = claimedByOther
    }
}

/// Where the status route and the metrics read the fleet from.
public protocol FleetStatusSource: Sendable {
    /// What is known now.
    var fleetSnapshot: FleetSnapshot { get }
}

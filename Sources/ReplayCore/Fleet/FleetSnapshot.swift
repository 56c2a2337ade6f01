/// What this instance knows of the fleet, for `GET /v1/gateway/status` and `/metrics`: its id, the live
/// instances, the leases it holds and the fleet's upstream budget (the last two with the PostgreSQL backend).
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
    /// How many records' leases this instance holds (PostgreSQL), or `nil` without leases.
    public var leasesHeld: Int?
    /// The fleet's shared upstream budget at the last heartbeat (PostgreSQL), or `nil` without one.
    public var budget: UpstreamBudgetState?

    /// Creates a snapshot.
    public init(
        instanceID: String,
        registered: Bool,
        live: [InstanceRecord]? = nil,
        databaseNowMilliseconds: Int64? = nil,
        skewMilliseconds: Int64? = nil,
        lastError: String? = nil,
        claimedByOther: InstanceRecord? = nil,
        leasesHeld: Int? = nil,
        budget: UpstreamBudgetState? = nil
    ) {
        self.instanceID = instanceID
        self.registered = registered
        self.live = live
        self.databaseNowMilliseconds = databaseNowMilliseconds
        self.skewMilliseconds = skewMilliseconds
        self.lastError = lastError
        self.claimedByOther = claimedByOther
        self.leasesHeld = leasesHeld
        self.budget = budget
    }
}

/// Where the status route and the metrics read the fleet from.
public protocol FleetStatusSource: Sendable {
    /// What is known now.
    var fleetSnapshot: FleetSnapshot { get }
}

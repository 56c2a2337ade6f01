/// What one heartbeat found: the database's clock against this one, the live instances, and whether another
/// live process had written this instance id's row (two instances configured with one id).
public struct InstanceHeartbeat: Sendable, Hashable {
    /// The database's `now()` at the heartbeat, in Unix milliseconds.
    public var databaseNowMilliseconds: Int64
    /// This instance's clock minus the database's `now()`, in milliseconds (what the registry stored).
    public var skewMilliseconds: Int64
    /// The instances seen within the live window, this one included, by id.
    public var live: [InstanceRecord]
    /// The row this heartbeat replaced when another process, still live, had written it: the id is claimed twice.
    public var claimedByOther: InstanceRecord?

    /// Creates a heartbeat result.
    public init(
        databaseNowMilliseconds: Int64,
        skewMilliseconds: Int64,
        live: [InstanceRecord],
        claimedByOther: InstanceRecord? = nil
    ) {
        self.databaseNowMilliseconds = databaseNowMilliseconds
        self.skewMilliseconds = skewMilliseconds
        self.live = live
        self.claimedByOther = claimedByOther
    }
}

/// A record whose lease this instance held and lost: another instance took it over after the lease expired
/// (``ReplayLeaseStore/renewLeases(at:)``).
public struct LeaseLoss: Sendable, Hashable {
    /// The record.
    public var id: ReplayRecordID
    /// The instance that holds the lease now, or that drove the record to its end after taking it over; `nil`
    /// when none is recorded.
    public var newOwner: String?
    /// The fencing token this instance held.
    public var fence: Int64
    /// The record's fencing token now.
    public var newFence: Int64

    /// Creates a loss.
    public init(id: ReplayRecordID, newOwner: String?, fence: Int64, newFence: Int64) {
        self.id = id
        self.newOwner = newOwner
        self.fence = fence
        self.newFence = newFence
    }
}

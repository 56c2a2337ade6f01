/// A record this instance took over from another one (``ReplayLeaseStore/takeOverExpiredLeases(at:limit:)``).
public struct LeaseTakeover: Sendable, Hashable {
    /// The record.
    public var id: ReplayRecordID
    /// The instance whose lease expired; `nil` for a record that had no lease (stored before leases existed).
    public var previousOwner: String?
    /// When that lease expired (Unix ms); `nil` without one.
    public var previousExpiry: Int64?
    /// The record's fencing token now, this instance's.
    public var fence: Int64

    /// Creates a takeover.
    public init(id: ReplayRecordID, previousOwner: String?, previousExpiry: Int64?, fence: Int64) {
        self.id = id
        self.previousOwner = previousOwner
        self.previousExpiry = previousExpiry
        self.fence = fence
    }
}

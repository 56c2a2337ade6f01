/// A store shared by several instances, whose unfinished records are each driven by one instance under a lease
/// (``PostgresReplayStore``): the instance id of the owner, an expiry, and a fencing token.
///
/// - A claim takes the lease of the record it inserts; every write of a record while it is unfinished carries
///   this instance's fencing token for it and fails with `StoreError.Code.leaseLost` when the token moved (another
///   instance took the record over). Such a write changes nothing.
/// - ``renewLeases(at:)`` extends every lease this instance holds; ``takeOverExpiredLeases(at:limit:)`` takes
///   the records whose lease expired from other instances, incrementing their fencing tokens, so that the former
///   owner's late writes fail. ``ReplayLeaseService`` runs both.
/// - Times are Unix milliseconds from the caller's clock (the instances' clocks must agree to well within the
///   lease's length).
///
/// SQLite has one instance (the instance lock), which owns every record: it has no leases.
public protocol ReplayLeaseStore: Sendable {
    /// The instance id written as the owner of the leases this store takes (`[state] instance_id`).
    var instanceID: String { get }

    /// How long a lease lasts after it was taken or last renewed (`[state] lease_ttl`).
    var leaseTTL: Duration { get }

    /// How many records' leases this instance holds now, as far as it knows.
    var heldLeaseCount: Int { get }

    /// Extends to `now + leaseTTL` the lease of every unfinished record this instance owns, in one statement.
    /// Returns the records whose lease it held and has lost since (another instance took them over): the writes
    /// for them now fail with `leaseLost`.
    func renewLeases(at now: Int64) async throws(StoreError) -> [LeaseLoss]

    /// Takes over, in one statement, up to `limit` unfinished records whose lease belongs to another instance (or
    /// to none) and expired before `now`: this instance becomes the owner until `now + leaseTTL`, and each record's
    /// fencing token is incremented. The caller resumes them as crash recovery does.
    func takeOverExpiredLeases(at now: Int64, limit: Int) async throws(StoreError) -> [LeaseTakeover]
}

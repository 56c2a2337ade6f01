/// The fleet's register of instances: each one's heartbeat, with its clock's skew against the shared database.
/// ``PostgresInstanceRegistry`` is the one implementation (the SQLite backend has one instance and no registry).
public protocol InstanceRegistry: Sendable {
    /// Upserts `identity`'s row with `last_seen` = the database's `now()` and the skew of `localNowMilliseconds`
    /// (this instance's clock, read just before) against it, then reads the instances seen within `liveWithin`.
    func heartbeat(
        _ identity: InstanceIdentity,
        localNowMilliseconds: Int64,
        liveWithin: Duration
    ) async throws(StoreError) -> InstanceHeartbeat

    /// The instances seen within `liveWithin` of the database's `now()`, and that `now()`.
    func live(
        within: Duration
    ) async throws(StoreError) -> (databaseNowMilliseconds: Int64, instances: [InstanceRecord])

    /// Removes `identity`'s row if this process wrote it last (at a graceful stop).
    func remove(_ identity: InstanceIdentity) async throws(StoreError)
}

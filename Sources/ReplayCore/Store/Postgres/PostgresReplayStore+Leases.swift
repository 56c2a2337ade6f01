import Logging
import PostgresNIO

/// The lease a write leaves on a record that stays unfinished: this instance, until `expiresAt`.
struct LeaseTerms: Sendable {
    /// This instance's id.
    var owner: String
    /// Unix ms.
    var expiresAt: Int64
}

extension PostgresReplayStore: ReplayLeaseStore {
    /// The fencing token of a record's first lease (its claim's).
    static let firstFence: Int64 = 1

    /// Whether a record in `state` is driven under a lease: `pending`, `in_flight` and `reconciling`.
    static func isLeased(_ state: ReplayState) -> Bool {
        !state.isFinal && state != .indeterminate
    }

    /// This instance's lease from `time` on.
    func leaseTerms(at time: Int64) -> LeaseTerms {
        LeaseTerms(owner: instanceID, expiresAt: time + ReplayEngine.milliseconds(leaseTTL))
    }

    /// The fence of a record write, with the token bound at `$index`: the record still carries this instance's
    /// token, or, when it holds none (`NULL`), the record has no lease (no expiry: it is final or indeterminate,
    /// or was stored before leases; `lease_owner` then names the instance that drove it last, if any).
    static func fenceCondition(_ index: Int) -> String {
        "(lease_fence = $\(index) OR ($\(index)::bigint IS NULL AND lease_expires_at IS NULL))"
    }

    /// Why a fenced write of `id` changed no row: the lease is another's (`leaseLost`), or there is no record.
    static func leaseFailure(
        _ id: ReplayRecordID,
        fence: Int64?,
        _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> StoreError {
        var binds = PostgresBindings()
        binds.append(id.principal)
        binds.append(id.key)
        let found = try await rows(
            connection,
            logger,
            "SELECT lease_owner, lease_fence FROM replays WHERE principal = $1 AND key = $2",
            binds
        )
        guard let row = found.first else { return StoreError(.notFound, "no replay record \(id)") }
        let (owner, current) = try row.decode((String?, Int64).self)
        let held = fence.map { "fencing token \($0)" } ?? "no lease"
        return StoreError(
            .leaseLost,
            "this instance holds \(held) on the replay, which is now instance \(owner ?? "none")'s "
                + "(fencing token \(current)); nothing was written"
        )
    }

    /// Runs a write of record `id` fenced by this instance's token for it (`nil` when it holds none), and records
    /// the token the write leaves (`body`'s result: `nil` when the record no longer has a lease). A write that
    /// finds the lease lost marks it lost (later writes still carry its token, and fail).
    func fencedWrite(
        _ id: ReplayRecordID,
        _ operation: @autoclosure () -> String,
        _ body: @escaping @Sendable (PostgresConnection, Logger, Int64?) async throws -> Int64?
    ) async throws(StoreError) {
        let fence = leases.fence(id)
        do throws(StoreError) {
            let held = try await write(operation()) { connection, logger in try await body(connection, logger, fence) }
            leases.set(id, fence: held)
        } catch {
            if error.code == .leaseLost {
                leases.lose(id, fence: fence, reported: false)
                logger.warning(
                    "this instance lost the lease on a replay to another instance; it stops working on it",
                    metadata: ["instance": "\(instanceID)", "error": "\(error.message)"]
                )
            }
            throw error
        }
    }

    /// See ``ReplayLeaseStore/heldLeaseCount``.
    public var heldLeaseCount: Int { leases.count }

    /// Once per process (the first ``unfinished(limit:)``): takes afresh, with new fencing tokens, the unfinished
    /// records an earlier process of this instance left, so that they are this process's to resume and a process
    /// still running under the same instance id can no longer write them. The leases this process took already
    /// (claims made before) keep their tokens.
    func reclaimOwnLeasesOnce() async throws(StoreError) {
        guard leases.beginReclaim() else { return }
        do throws(StoreError) {
            let reclaimed = try await reclaimOwnLeases()
            if reclaimed > 0 {
                logger.notice(
                    "resuming the replays this instance left unfinished, under new fencing tokens",
                    metadata: ["instance": "\(instanceID)", "count": "\(reclaimed)"]
                )
            }
        } catch {
            leases.reclaimFailed()
            throw error
        }
    }

    /// Gives new fencing tokens to this instance's unfinished records that this process holds no lease on;
    /// returns how many.
    @discardableResult
    func reclaimOwnLeases() async throws(StoreError) -> Int {
        let owner = instanceID
        let held = Array(leases.snapshot.keys)
        let reclaimed = try await write("reclaiming this instance's leases") { connection, logger in
            var binds = PostgresBindings()
            binds.append(owner)
            binds.append(held.map(\.principal))
            binds.append(held.map(\.key))
            return try await Self.rows(
                connection,
                logger,
                """
                UPDATE replays SET lease_fence = lease_fence + 1
                WHERE lease_owner = $1 AND state IN (\(Self.unfinishedStates))
                    AND (principal, key) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))
                RETURNING principal, key, lease_fence
                """,
                binds
            ).map { row in
                let (principal, key, fence) = try row.decode((String, String, Int64).self)
                return (ReplayRecordID(principal: principal, key: key), fence)
            }
        }
        for (id, fence) in reclaimed { leases.set(id, fence: fence) }
        return reclaimed.count
    }

    /// See ``ReplayLeaseStore/renewLeases(at:)``. One statement for the renewal; another, only when some lease
    /// was not renewed, to learn who holds it now.
    public func renewLeases(at now: Int64) async throws(StoreError) -> [LeaseLoss] {
        let owner = instanceID
        let expiresAt = leaseTerms(at: now).expiresAt
        let held = leases.snapshot
        // Losses a driver's write ran into since the last renewal: reported here too, so every loss is audited
        // whichever finds it first (a late answer's write after a takeover, or this renewal). They stay unreported
        // until a renewal gets this far.
        let unreported = leases.unreported
        let renewed = try await write("renewing this instance's leases") { connection, logger in
            var binds = PostgresBindings()
            binds.append(owner)
            binds.append(expiresAt)
            return try await Self.rows(
                connection,
                logger,
                """
                UPDATE replays SET lease_expires_at = $2
                WHERE lease_owner = $1 AND state IN (\(Self.unfinishedStates))
                RETURNING principal, key, lease_fence
                """,
                binds
            ).reduce(into: [ReplayRecordID: Int64]()) { renewed, row in
                let (principal, key, fence) = try row.decode((String, String, Int64).self)
                renewed[ReplayRecordID(principal: principal, key: key)] = fence
            }
        }
        // Held here but not renewed with the same token: finished meanwhile (by this instance, or by the one that
        // took it over), or taken over.
        let missing = held.filter { renewed[$0.key] != $0.value }.merging(unreported) { kept, _ in kept }
        guard !missing.isEmpty else { return [] }
        let ids = Array(missing.keys)
        let current = try await read("reading the leases this instance lost") { connection, logger in
            var binds = PostgresBindings()
            binds.append(ids.map(\.principal))
            binds.append(ids.map(\.key))
            return try await Self.rows(
                connection,
                logger,
                """
                SELECT principal, key, lease_owner, lease_fence FROM replays
                WHERE (principal, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                """,
                binds
            ).map { row in
                let (principal, key, owner, fence) = try row.decode((String, String, String?, Int64).self)
                return (ReplayRecordID(principal: principal, key: key), owner, fence)
            }
        }
        var losses: [LeaseLoss] = []
        var found = Set<ReplayRecordID>()
        for (id, newOwner, newFence) in current {
            found.insert(id)
            guard let fence = missing[id] else { continue }
            // The same token: this instance finished it meanwhile (its lease ended with the final state).
            if newFence == fence {
                leases.forget(id, fence: fence)
                continue
            }
            leases.lose(id, fence: fence)
            losses.append(LeaseLoss(id: id, newOwner: newOwner, fence: fence, newFence: newFence))
        }
        // Gone (released or pruned): nothing to hold.
        for (id, fence) in missing where !found.contains(id) { leases.forget(id, fence: fence) }
        leases.reported(unreported.keys)
        return losses
    }

    /// See ``ReplayLeaseStore/takeOverExpiredLeases(at:limit:)``. One statement: the expired leases are locked
    /// (`FOR UPDATE SKIP LOCKED`, so two instances scanning at once never take the same record) and moved to this
    /// instance with their fencing tokens incremented. Uses `replays_leases`.
    public func takeOverExpiredLeases(at now: Int64, limit: Int) async throws(StoreError) -> [LeaseTakeover] {
        guard limit > 0 else { return [] }
        let owner = instanceID
        let expiresAt = leaseTerms(at: now).expiresAt
        let taken = try await write("taking over expired leases") { connection, logger in
            var binds = PostgresBindings()
            binds.append(owner)
            binds.append(now)
            binds.append(expiresAt)
            binds.append(limit)
            return try await Self.rows(
                connection,
                logger,
                """
                UPDATE replays r SET lease_owner = $1, lease_expires_at = $3, lease_fence = r.lease_fence + 1
                FROM (
                    SELECT principal, key, lease_owner, lease_expires_at FROM replays
                    WHERE state IN (\(Self.unfinishedStates)) AND lease_owner IS DISTINCT FROM $1
                        AND (lease_expires_at IS NULL OR lease_expires_at < $2)
                    ORDER BY created_at, seq
                    LIMIT $4
                    FOR UPDATE SKIP LOCKED
                ) old
                WHERE r.principal = old.principal AND r.key = old.key
                RETURNING r.principal, r.key, old.lease_owner, old.lease_expires_at, r.lease_fence
                """,
                binds
            ).map { row in
                let (principal, key, previous, expiry, fence) = try row.decode(
                    (String, String, String?, Int64?, Int64).self
                )
                return LeaseTakeover(
                    id: ReplayRecordID(principal: principal, key: key),
                    previousOwner: previous,
                    previousExpiry: expiry,
                    fence: fence
                )
            }
        }
        for takeover in taken { leases.set(takeover.id, fence: takeover.fence) }
        return taken
    }
}

import Audit
import AuditTestSupport
import Foundation
import Logging
import PostgresNIO
import PostgresTestSupport
import Strait
import Testing

@testable import ReplayCore

/// Leases on a real PostgreSQL server, with two instances (`A` and `B`: two stores with clients of their own on one
/// database). Every time is given explicitly (or comes from a manual clock): a lease expires because the test says
/// it is later, never because time passed.
@Suite struct PostgresLeaseTests {
    typealias T = StoreTesting

    static let ttl: Int64 = 15_000

    /// The lease columns of `id`: owner, expiry and fencing token.
    static func lease(
        _ id: ReplayRecordID,
        in store: PostgresReplayStore
    ) async throws -> (owner: String?, expiresAt: Int64?, fence: Int64)? {
        try await store.client.withConnection { connection in
            var binds = PostgresBindings()
            binds.append(id.principal)
            binds.append(id.key)
            let rows = try await PostgresReplayStore.rows(
                connection,
                T.logger,
                "SELECT lease_owner, lease_expires_at, lease_fence FROM replays WHERE principal = $1 AND key = $2",
                binds
            )
            guard let row = rows.first else { return nil }
            let (owner, expiresAt, fence) = try row.decode((String?, Int64?, Int64).self)
            return (owner, expiresAt, fence)
        }
    }

    static func withInstances(
        _ body: (PostgresReplayStore, PostgresReplayStore) async throws -> Void
    ) async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        try await T.withPostgresStores(settings, leaseTTL: .milliseconds(ttl)) { a, b in
            try await PostgresStateMigrator(client: a.client, logger: T.logger).migrate()
            try await body(a, b)
        }
    }

    @Test func aClaimTakesTheLeaseAndAFinalStateEndsIt() async throws {
        try await Self.withInstances { a, _ in
            let claimed = try await a.claim(T.record(), coalesceSince: nil, firstAttempt: "req-1-1")
            let record = try #require(claimed.inserted)
            let lease = try #require(try await Self.lease(record.id, in: a))
            #expect(lease.owner == "A")
            #expect(lease.expiresAt == T.t0 + Self.ttl)
            #expect(lease.fence == 1)
            #expect(a.heldLeaseCount == 1)
            // A write renews the lease and keeps the token.
            try await a.update(record, at: T.t0 + 5_000, RecordChange(projectID: "proj_1"))
            #expect(try await Self.lease(record.id, in: a)?.expiresAt == T.t0 + 5_000 + Self.ttl)
            _ = try await a.finishAttempt(
                record,
                attempt: 1,
                outcome: .answered,
                status: 201,
                detail: nil,
                at: T.t0 + 6_000,
                RecordChange(state: .succeeded, newRunID: "run_new")
            )
            let ended = try #require(try await Self.lease(record.id, in: a))
            // The owner stays, naming the instance that drove it last.
            #expect(ended.owner == "A")
            #expect(ended.expiresAt == nil)
            #expect(ended.fence == 1)
            #expect(a.heldLeaseCount == 0)
        }
    }

    /// A claims two replays and stops renewing (it died, or hangs). B takes them over only once the lease has
    /// expired on the clock; A's late writes then fail with `leaseLost` and change nothing, and A's next renewal
    /// reports both losses (the one its writes ran into, and the other one), to B, once.
    @Test func anExpiredLeaseIsTakenOverAndTheFormerOwnersLateWritesFail() async throws {
        try await Self.withInstances { a, b in
            let first = try #require(
                try await a.claim(T.record(key: "k1", requestID: "r1"), coalesceSince: nil, firstAttempt: "r1-1")
                    .inserted
            )
            let second = try #require(
                try await a.claim(T.record(key: "k2", requestID: "r2"), coalesceSince: nil).inserted
            )
            // Renewal keeps the leases: at t0 + 10 s they run to t0 + 25 s.
            #expect(try await a.renewLeases(at: T.t0 + 10_000) == [])
            #expect(try await b.takeOverExpiredLeases(at: T.t0 + 15_001, limit: 10) == [])
            #expect(try await b.takeOverExpiredLeases(at: T.t0 + 25_000, limit: 10) == [])
            #expect(try await b.unfinished(limit: 10).isEmpty)

            let taken = try await b.takeOverExpiredLeases(at: T.t0 + 25_001, limit: 10)
            #expect(
                Set(taken) == [
                    LeaseTakeover(id: first.id, previousOwner: "A", previousExpiry: T.t0 + 25_000, fence: 2),
                    LeaseTakeover(id: second.id, previousOwner: "A", previousExpiry: T.t0 + 25_000, fence: 2),
                ]
            )
            // Nothing is taken twice.
            #expect(try await a.takeOverExpiredLeases(at: T.t0 + 25_002, limit: 10) == [])
            #expect(try await b.unfinished(limit: 10).map(\.id) == [first.id, second.id])
            #expect(try await a.unfinished(limit: 10).isEmpty)

            // A's late result for the attempt it sent: refused, and the record is as B found it.
            let before = try await b.record(first.id)
            let late = await #expect(throws: StoreError.self) {
                try await a.finishAttempt(
                    first,
                    attempt: 1,
                    outcome: .answered,
                    status: 201,
                    detail: nil,
                    at: T.t0 + 26_000,
                    RecordChange(state: .succeeded, newRunID: "run_from_a")
                )
            }
            #expect(late?.code == .leaseLost)
            #expect(late?.message.contains("instance B") == true)
            #expect(try await b.record(first.id) == before)
            #expect(before?.state == .inFlight)
            #expect(before?.attempts.map(\.outcome) == [.recorded])
            // Nor can A record (and so send) another attempt, or change the record otherwise.
            let attempt = await #expect(throws: StoreError.self) {
                try await a.recordAttempt(first, requestID: "r1-2", at: T.t0 + 26_000)
            }
            #expect(attempt?.code == .leaseLost)
            let update = await #expect(throws: StoreError.self) {
                try await a.update(first, at: T.t0 + 26_000, RecordChange(state: .failed))
            }
            #expect(update?.code == .leaseLost)
            #expect(try await b.record(first.id) == before)

            // A's renewal reports both losses: the one its late writes ran into, and the other replay, B's now too
            // (each loss is reported once, whichever found it first).
            #expect(
                Set(try await a.renewLeases(at: T.t0 + 26_000)) == [
                    LeaseLoss(id: first.id, newOwner: "B", fence: 1, newFence: 2),
                    LeaseLoss(id: second.id, newOwner: "B", fence: 1, newFence: 2),
                ]
            )
            #expect(try await a.renewLeases(at: T.t0 + 27_000) == [], "reported once")
            #expect(a.heldLeaseCount == 0)
            let stale = await #expect(throws: StoreError.self) {
                try await a.recordAttempt(second, requestID: "r2-1", at: T.t0 + 26_000)
            }
            #expect(stale?.code == .leaseLost)

            // B drives them with its token, as crash recovery does.
            try await b.update(
                first,
                at: T.t0 + 26_000,
                RecordChange(state: .reconciling, reconcileDeadline: T.t0 + T.hour)
            )
            #expect(try await b.record(first.id)?.state == .reconciling)
            let lease = try #require(try await Self.lease(first.id, in: b))
            #expect(lease.owner == "B")
            #expect(lease.fence == 2)
            #expect(lease.expiresAt == T.t0 + 26_000 + Self.ttl)
        }
    }

    /// A restarted process of an instance reclaims what the previous one left with new fencing tokens: a
    /// process still running under that instance id can no longer write them.
    @Test func aRestartReclaimsTheInstancesOwnReplaysUnderNewTokens() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        try await T.withPostgresStores(settings, instanceIDs: ("A", "A")) { old, restarted in
            try await PostgresStateMigrator(client: old.client, logger: T.logger).migrate()
            let record = try #require(try await old.claim(T.record(), coalesceSince: nil).inserted)
            #expect(try await restarted.unfinished(limit: 10).map(\.id) == [record.id])
            #expect(try await Self.lease(record.id, in: restarted)?.fence == 2)
            let zombie = await #expect(throws: StoreError.self) {
                try await old.recordAttempt(record, requestID: "req-1-1", at: T.t0 + 1)
            }
            #expect(zombie?.code == .leaseLost)
            _ = try await restarted.recordAttempt(record, requestID: "req-1-1", at: T.t0 + 1)
            // Reclaimed once per process: a later listing keeps the tokens.
            #expect(try await restarted.unfinished(limit: 10).count == 1)
            #expect(try await Self.lease(record.id, in: restarted)?.fence == 2)
        }
    }

    /// Records stored before `v5-leases` have no lease: any instance may take them over at once.
    @Test func aReplayWithoutALeaseIsTakenOverAtOnce() async throws {
        try await Self.withInstances { a, b in
            let record = try #require(try await a.claim(T.record(), coalesceSince: nil).inserted)
            _ = try await a.client.withConnection { connection in
                try await PostgresReplayStore.rows(
                    connection,
                    T.logger,
                    "UPDATE replays SET lease_owner = NULL, lease_expires_at = NULL, lease_fence = 0"
                )
            }
            #expect(
                try await b.takeOverExpiredLeases(at: T.t0, limit: 10) == [
                    LeaseTakeover(id: record.id, previousOwner: nil, previousExpiry: nil, fence: 1)
                ]
            )
        }
    }
}

import Foundation
import Testing

@testable import ReplayCore

/// A new replay's record is claimed with attempt 1 recorded (`in_flight`) before its driver starts. Between the
/// two, the background sweep must leave it alone: to the sweep an `in_flight` record without a driver is one a
/// crash left, which it would reconcile instead of sending (the bench caught a 30 s stall from exactly that).
@Suite struct DriverReservationTests {
    private static func claimed(_ key: String, store: SQLiteReplayStore) async throws -> ReplayRecord {
        let record = StoreTesting.record(key: key, runID: "run_failed_1", createdAt: StoreTesting.t0)
        let claim = try await store.claim(record, coalesceSince: nil, firstAttempt: "rq_\(key)-1")
        guard case .created(let created) = claim else { throw StoreError(.io, "not created: \(claim)") }
        #expect(created.state == .inFlight)
        return created
    }

    @Test func theSweepLeavesAReservedRecordToItsRequest() async throws {
        try await EngineHarness.with(runsDrivers: false) { harness in
            let engine = harness.engine
            let reserved = try await Self.claimed("reserved", store: harness.store)
            let reservation = try #require(engine.drivers.reserve(reserved.id))
            #expect(engine.drivers.reserve(reserved.id) == nil, "one reservation per record")
            #expect(try await engine.resumeUnfinished() == 0, "the reserved record was taken by the sweep")

            // Without a reservation the same record is the sweep's: what the reservation protects against.
            let orphan = try await Self.claimed("orphan", store: harness.store)
            #expect(try await engine.resumeUnfinished() == 1)
            #expect(engine.drivers.isActive(orphan.id))

            engine.drivers.release(reserved.id, reserved: reservation)
            #expect(!engine.drivers.isActive(reserved.id))
            #expect(await reservation.wait(), "a released reservation wakes its waiters")
        }
    }
}

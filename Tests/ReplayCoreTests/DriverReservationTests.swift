import Foundation
import Logging
import Testing

@testable import ReplayCore

/// A new replay's record is claimed with attempt 1 recorded (`in_flight`) before its driver starts. Between the
/// two, the background sweep must leave it alone: to the sweep an `in_flight` record without a driver is one a
/// crash left, which it would reconcile instead of sending (the bench caught a 30 s stall from exactly that).
@Suite struct DriverReservationTests {
    private static let logger = Logger(label: "driver-reservation-test") { _ in SwiftLogNoOpLogHandler() }

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

    /// The sweep's list of unfinished records is a snapshot: by the time a driver it starts runs, the record may
    /// have been driven to its end by a driver that has since finished. The new driver reads the record afresh
    /// and rests; it never acts on the stale copy (which would reconcile an `in_flight` record and send again).
    @Test func aDriverStartedFromAStaleSweepReadsTheRecordAfresh() async throws {
        try await EngineHarness.with(runsDrivers: false) { harness in
            let engine = harness.engine
            let record = try await Self.claimed("stale", store: harness.store)
            #expect(try await engine.resumeUnfinished() == 1)  // queued with the snapshot: in_flight
            // Meanwhile the record's own driver finished it (its outcome committed).
            _ = try await harness.store.finishAttempt(
                record,
                attempt: 1,
                outcome: .answered,
                status: 201,
                detail: nil,
                at: StoreTesting.t0 + 1,
                RecordChange(state: .succeeded, newRunID: "run_done", responseStatus: 201, responseBody: [0x7B, 0x7D])
            )
            try await EngineHarness.withDrivers(of: engine) {
                let limit = ContinuousClock.now + .seconds(120)
                while engine.activeDriverCount > 0, ContinuousClock.now < limit {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            #expect(engine.activeDriverCount == 0, "the driver did not finish within the hang guard")
            #expect(harness.replayPOSTs == 0, "a replay already done was sent again")
            let stored = try await harness.store.record(record.id)
            #expect(stored?.state == .succeeded)
            #expect(stored?.newRunID == "run_done")
        }
    }

    /// Two requests with one key: A holds the reservation, B claims first (without one, so B's driver start
    /// returns A's reservation instead of a driver). A, finding the record existing and unfinished, must drive it:
    /// otherwise nobody does until the background sweep, and B's caller gets 202 instead of its run.
    @Test func theReservationHolderDrivesARecordAnotherRequestCreated() async throws {
        try await EngineHarness.with(runsDrivers: false) { harness in
            let engine = harness.engine
            let record = StoreTesting.record(key: "both", runID: "run_failed_1", createdAt: StoreTesting.t0)
            let reservation = try #require(engine.drivers.reserve(record.id))  // A
            let claim = try await harness.store.claim(record, coalesceSince: nil, firstAttempt: nil)  // B
            guard case .created(let created) = claim else { throw StoreError(.io, "not created: \(claim)") }
            let bWaitsOn = engine.startDriver(created.id, initial: created, logger: Self.logger)
            #expect(bWaitsOn === reservation, "B's start found A's reservation")

            // A's claim of the same key finds B's record.
            let answer = await engine.proceed(
                .existing(created),
                reserved: reservation,
                now: StoreTesting.t0,
                logger: Self.logger,
                wait: .zero
            )
            guard case .inProgress = answer else {
                Issue.record("A should answer in progress, got \(answer)")
                return
            }
            try await EngineHarness.withDrivers(of: engine) { _ = await bWaitsOn.wait() }
            #expect(bWaitsOn.published?.state == .succeeded, "B's caller gets its run")
            #expect(harness.replayPOSTs == 1)
        }
    }

    /// A replay that created a run is answered before its outcome commits. A repeat of its key in between finds
    /// the record still `in_flight` in the store, and must get the same answer from the driver, not 409.
    @Test func aRepeatBeforeTheOutcomeCommitsGetsTheDriversAnswer() async throws {
        try await EngineHarness.with(runsDrivers: false) { harness in
            let inFlight = try await Self.claimed("repeat", store: harness.store)
            var answered = inFlight.finishingAttempt(1, outcome: .answered, status: 201, detail: nil, at: 1)
            answered = answered.applying(
                RecordChange(state: .succeeded, newRunID: "run_new", responseStatus: 201, responseBody: [0x7B, 0x7D]),
                at: 1
            )
            let running = DriverHandle()
            running.publish(answered)
            let answer = await harness.engine.proceed(
                .existing(inFlight),
                reserved: nil,
                running: running,
                now: StoreTesting.t0,
                logger: Self.logger,
                wait: .zero
            )
            guard case .completed(let record, replayed: true) = answer else {
                Issue.record("expected the driver's answer replayed, got \(answer)")
                return
            }
            #expect(record.newRunID == "run_new")
        }
    }
}

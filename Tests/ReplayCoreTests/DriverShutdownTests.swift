import Foundation
import Logging
import ReplayCore
import ServiceLifecycle
import StraitSimulator
import Testing

/// Replay drivers run inside ``ReplayDriverService``: at graceful shutdown a driver in flight either finishes
/// within the grace period, or is cancelled and left resumable, and the restart reconciles it to one run without
/// sending it again.
@Suite struct DriverShutdownTests {
    private static let logger: Logger = {
        var logger = Logger(label: "driver-shutdown-test")
        logger.logLevel = .critical
        return logger
    }()

    /// Polls `condition` (a hang guard of two minutes, not a timing assertion).
    private static func eventually(_ condition: () async throws -> Bool) async throws {
        let limit = ContinuousClock.now + .seconds(120)
        while try await !condition() {
            guard ContinuousClock.now < limit else {
                Issue.record("condition not met within the hang guard")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Runs `service` in a service group while `body` runs; `body` triggers the graceful shutdown it needs, and
    /// the group is waited for before this returns.
    private static func running(
        _ service: ReplayDriverService,
        _ body: (ServiceGroup) async throws -> Void
    ) async throws {
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(group)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            try await tasks.waitForAll()
        }
    }

    /// Submits a replay of `run_failed_1` under `key` to drivers in a ``ReplayDriverService``, and shuts the
    /// service down once Strait has created the run, so the attempt is cut off before its answer (the harness's
    /// simulator must stall it). Returns the record's id.
    private static func cutOffMidAttempt(key: String, _ harness: EngineHarness) async throws -> ReplayRecordID {
        let service = ReplayDriverService(
            engine: harness.engine,
            grace: .zero,
            clock: ManualReplayClock(),
            logger: logger
        )
        try await running(service) { group in
            _ = await harness.engine.submit(
                try harness.request("run_failed_1", key: key),
                principal: EngineHarness.principal,
                logger: logger,
                wait: .zero
            )
            try await eventually { harness.runsCreated(for: "run_failed_1") == 1 }
            await group.triggerGracefulShutdown()
        }
        return ReplayRecordID(principal: EngineHarness.principal.name, key: key)
    }

    @Test(.timeLimit(.minutes(3)))
    func aReplayInFlightAtShutdownFinishesWithinTheGracePeriod() async throws {
        let plan = SimulatorFaultPlan(faults: [SimulatorFaultRule(.latency(milliseconds: 1000))])
        try await EngineHarness.with(faults: plan, runsDrivers: false) { harness in
            // The grace clock never moves: the period cannot run out, so the driver must finish on its own.
            let service = ReplayDriverService(
                engine: harness.engine,
                grace: .seconds(10),
                clock: ManualReplayClock(),
                logger: Self.logger
            )
            let request = try harness.request("run_failed_1", key: "in-flight")
            var lateRecord: ReplayRecord?
            try await Self.running(service) { group in
                let submitted = await harness.engine.submit(
                    request,
                    principal: EngineHarness.principal,
                    logger: Self.logger,
                    wait: .zero
                )
                #expect(submitted.record?.state.isFinal == false, "got \(submitted)")
                try await Self.eventually { harness.replayPOSTs == 1 }
                await group.triggerGracefulShutdown()
                try await Self.eventually { !harness.engine.acceptsNewDrivers }
                // Shutdown has begun: a replay accepted now is stored but not driven.
                let late = await harness.engine.submit(
                    try harness.request("run_failed_2", key: "late"),
                    principal: EngineHarness.principal,
                    logger: Self.logger,
                    wait: .zero
                )
                lateRecord = late.record
            }
            let record = try await harness.store.record(
                ReplayRecordID(principal: EngineHarness.principal.name, key: "in-flight")
            )
            #expect(record?.state == .succeeded)
            #expect(record?.attempts.count == 1)
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(lateRecord?.state == .pending)
            #expect(lateRecord?.attempts.isEmpty == true)
            #expect(harness.replayPOSTs == 1, "nothing is sent after shutdown began")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aReplayCancelledMidAttemptIsReconciledAfterRestartWithoutResending() async throws {
        // Strait creates the run, then holds the answer: the attempt is in flight until it is cancelled.
        let plan = SimulatorFaultPlan(faults: [SimulatorFaultRule(.afterCommit(.stall))])
        try await EngineHarness.with(faults: plan, runsDrivers: false) { harness in
            let id = try await Self.cutOffMidAttempt(key: "cancelled", harness)
            let left = try #require(try await harness.store.record(id))
            #expect(
                left.state == .reconciling || left.state == .inFlight,
                "a cancelled attempt that may have reached Strait must be reconciled, not retried: \(left.state)"
            )
            #expect(left.attempts.count == 1)

            // The restart: a new engine on the same store resumes the record and finds the run by its request id.
            let restarted = harness.restartedEngine()
            let final = try await EngineHarness.withDrivers(of: restarted) { () async throws -> ReplayRecord? in
                #expect(try await restarted.resumeUnfinished() == 1)
                var record: ReplayRecord?
                try await Self.eventually {
                    record = try await restarted.record(id)
                    return record?.state.isFinal == true
                }
                return record
            }
            #expect(final?.state == .succeeded)
            #expect(final?.newRunID != nil)
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(harness.replayPOSTs == 1, "the replay was never sent again")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aRestartsReconciliationLookupsWaitForTheSharedPacer() async throws {
        // Strait's per-key limit counts reads too: after a crash (or a takeover) of many records, their lookups
        // must draw from the same pacer as the replays, not spend the key's budget behind its back.
        let plan = SimulatorFaultPlan(faults: [SimulatorFaultRule(.afterCommit(.stall))])
        try await EngineHarness.with(faults: plan, autoAdvance: false, runsDrivers: false) { harness in
            let id = try await Self.cutOffMidAttempt(key: "paced-lookup", harness)
            let lookupsBefore = harness.requests("GET /v1/runs") + harness.requests("GET /v1/runs/{runID}")

            // The restarted engine's pacer has just been told to wait: a 429 with a minute's Retry-After.
            let guards = UpstreamGuards.standard(clock: harness.clock)
            guards.pacer.observe(try await guards.pacer.acquire(), status: 429, headers: ["Retry-After": "60"])
            let restarted = harness.restartedEngine(guards: guards)
            let final = try await EngineHarness.withDrivers(of: restarted) { () async throws -> ReplayRecord? in
                #expect(try await restarted.resumeUnfinished() == 1)
                // The record's first lookup is waiting for a slot, and nothing has reached Strait.
                try await Self.eventually { guards.pacer.snapshot.delayedCalls == 1 }
                #expect(harness.requests("GET /v1/runs") + harness.requests("GET /v1/runs/{runID}") == lookupsBefore)
                #expect(try await restarted.record(id)?.state.isFinal == false)

                harness.clock.advance(by: .seconds(61))
                var record: ReplayRecord?
                try await Self.eventually {
                    record = try await restarted.record(id)
                    return record?.state.isFinal == true
                }
                return record
            }
            #expect(final?.state == .succeeded)
            #expect(harness.requests("GET /v1/runs") > 0, "the run was found by a lookup once the pause ended")
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(harness.replayPOSTs == 1, "the replay was never sent again")
        }
    }
}

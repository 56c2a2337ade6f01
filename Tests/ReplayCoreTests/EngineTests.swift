import Curl
import Foundation
import Logging
import ReplayCore
import Strait
import StraitSimulator
import Testing

/// The exactly-once engine against real parts (SQLite file, libcurl, the simulator with fault injection).
@Suite struct EngineTests {
    private static func plan(_ rules: SimulatorFaultRule...) -> SimulatorFaultPlan {
        SimulatorFaultPlan(faults: rules)
    }

    @Test func aReplayCreatesOneRunAndTheSameKeyReplaysTheStoredAnswer() async throws {
        try await EngineHarness.with { harness in
            let first = await harness.submit(try harness.request("run_failed_1", key: "k-1"))
            let run = try #require(first.run)
            #expect(run.status == .queued)
            guard case .completed(let record, let replayed) = first else {
                Issue.record("expected completed, got \(first)")
                return
            }
            #expect(!replayed)
            #expect(record.newRunID == run.id)
            #expect(record.attempts.count == 1)
            let again = await harness.submit(try harness.request("run_failed_1", key: "k-1"))
            guard case .completed(let stored, true) = again else {
                Issue.record("expected a replayed answer, got \(again)")
                return
            }
            #expect(stored.newRunID == run.id)
            #expect(stored.responseBody == record.responseBody)
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
        }
    }

    @Test func aGeneratedKeyIsReturnedInTheRecord() async throws {
        try await EngineHarness.with { harness in
            let result = await harness.submit(try harness.request("run_failed_1"))
            let record = try #require(result.record)
            #expect(record.key.hasPrefix("rk_"))
            #expect(record.keySource == .generated)
        }
    }

    @Test func theSameKeyForADifferentRunIsRefused() async throws {
        try await EngineHarness.with { harness in
            _ = await harness.submit(try harness.request("run_failed_1", key: "shared"))
            let other = await harness.submit(try harness.request("run_failed_2", key: "shared"))
            guard case .keyReused(let existing) = other else {
                Issue.record("expected keyReused, got \(other)")
                return
            }
            #expect(existing.runID == "run_failed_1")
            let checkpoint = await harness.submit(try harness.request("run_failed_1", key: "shared", checkpoint: 2))
            guard case .keyReused = checkpoint else {
                Issue.record("a different checkpoint is a different request")
                return
            }
            #expect(harness.runsCreated(for: "run_failed_2") == 0)
        }
    }

    @Test func oneHundredConcurrentCallersWithOneKeyCreateOneRun() async throws {
        try await EngineHarness.with { harness in
            let request = try harness.request("run_failed_1", key: "stampede")
            let results = await withTaskGroup(of: ReplaySubmission.self) { group in
                for _ in 0..<100 { group.addTask { await harness.submit(request) } }
                var all: [ReplaySubmission] = []
                for await result in group { all.append(result) }
                return all
            }
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            var created = 0
            var runIDs: Set<String> = []
            for result in results {
                switch result {
                case .completed(let record, let replayed):
                    if !replayed { created += 1 }
                    runIDs.insert(record.newRunID ?? "?")
                case .inProgress:
                    continue
                default:
                    Issue.record("unexpected \(result)")
                }
            }
            #expect(created == 1)
            // Every caller that retries gets the same run.
            let after = await harness.submit(request)
            runIDs.insert(after.record?.newRunID ?? "?")
            #expect(runIDs.count == 1)
        }
    }

    @Test(arguments: [
        SimulatorFault.AfterCommitMode.status500, .status504, .status429, .reset,
    ])
    func anAfterCommitFailureIsReconciledToTheRunThatWasCreated(mode: SimulatorFault.AfterCommitMode) async throws {
        try await EngineHarness.with(faults: Self.plan(SimulatorFaultRule(.afterCommit(mode)))) { harness in
            let result = await harness.submit(try harness.request("run_failed_1", key: "amb-\(mode.rawValue)"))
            let run = try #require(result.run, "got \(result)")
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(harness.replayPOSTs == 1)
            let record = try #require(result.record)
            #expect(record.newRunID == run.id)
            #expect(record.attempts.count == 1)
            #expect(record.attempts[0].outcome == .answered || record.attempts[0].outcome == .sentNoResponse)
            #expect(run.creatingRequestID == record.attempts[0].requestID)
        }
    }

    @Test func aStallPastTheTimeoutIsReconciledToo() async throws {
        try await EngineHarness.with(
            faults: Self.plan(SimulatorFaultRule(.afterCommit(.stall))),
            attemptTimeout: .milliseconds(500)
        ) { harness in
            let result = await harness.submit(try harness.request("run_failed_1", key: "stall"))
            let run = try #require(result.run, "got \(result)")
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(result.record?.attempts.first?.outcome == .sentNoResponse)
            #expect(run.status == .queued)
        }
    }

    @Test func aBeforeCommit429IsRetriedAfterItsRetryAfter() async throws {
        try await EngineHarness.with(
            faults: Self.plan(SimulatorFaultRule(.enqueueThrottled(retryAfterSeconds: 7)))
        ) { harness in
            let result = await harness.submit(try harness.request("run_failed_1", key: "throttled"))
            #expect(result.run != nil, "got \(result)")
            // Retry-After: 7, plus up to 10% spread (half of it with the fixed jitter) so callers told the same value
            // do not come back together.
            #expect(harness.clock.requestedSleeps.contains(.milliseconds(7350)))
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(result.record?.attempts.map(\.status) == [429, 201])
        }
    }

    @Test func aBeforeCommit503IsRetriedWithBackoff() async throws {
        try await EngineHarness.with(faults: Self.plan(SimulatorFaultRule(.enqueueFailed(status: 503)))) { harness in
            let result = await harness.submit(try harness.request("run_failed_1", key: "unavailable"))
            #expect(result.run != nil, "got \(result)")
            // A 503 without Retry-After waits the backoff, but at least the 1 s floor for server pushback.
            #expect(harness.clock.requestedSleeps.contains(.seconds(1)))
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
        }
    }

    @Test func refusalsAreFinalAndStored() async throws {
        try await EngineHarness.with { harness in
            let result = await harness.submit(try harness.request("run_completed_1", key: "done"))
            guard case .completed(let record, false) = result else {
                Issue.record("expected a final answer, got \(result)")
                return
            }
            #expect(record.state == .failed)
            #expect(record.responseStatus == 400)
            #expect(record.errorMessage == "run is not replayable")
            #expect(harness.replayPOSTs == 1)
        }
    }

    @Test func anAmbiguousAttemptWithTheListFaultedEndsPendingAndIsNeverResent() async throws {
        let faults = Self.plan(
            SimulatorFaultRule(.afterCommit(.status500)),
            SimulatorFaultRule(.listFailure(status: 503), count: 1000)
        )
        try await EngineHarness.with(faults: faults, autoAdvance: false) { harness in
            let submitted = Task { await harness.submit(try harness.request("run_failed_1", key: "pending")) }
            // Let the wait expire once the driver is asleep between reconciliation rounds.
            try await harness.waitForSleeper()
            harness.waitClock.advance(by: .seconds(30))
            let result = try await submitted.value
            guard case .pending(let record) = result else {
                Issue.record("expected outcome pending, got \(result)")
                return
            }
            #expect(record.state == .reconciling)
            #expect(harness.replayPOSTs == 1)

            // The fault clears; the background driver resolves it on its next round.
            harness.simulator.setFaults(.none)
            harness.clock.advance(by: .seconds(120))
            let final = try await harness.finalRecord(record.id)
            #expect(final?.state == .succeeded)
            #expect(harness.replayPOSTs == 1)
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(try await harness.engine.unfinishedRecords(principal: "alice").isEmpty)
        }
    }

    @Test func pastTheHorizonARecordIsIndeterminateUntilAnOperatorResolvesIt() async throws {
        var settings = EngineHarness.defaultSettings
        settings.reconcileHorizon = .seconds(120)
        let faults = Self.plan(
            SimulatorFaultRule(.afterCommit(.status504)),
            SimulatorFaultRule(.listFailure(status: 500), count: 10_000)
        )
        try await EngineHarness.with(faults: faults, settings: settings) { harness in
            let result = await harness.submit(try harness.request("run_failed_1", key: "lost"))
            guard case .pending(let record) = result else {
                Issue.record("expected pending, got \(result)")
                return
            }
            #expect(record.state == .indeterminate)
            #expect(try await harness.engine.unfinishedRecords(principal: "alice").map(\.key) == ["lost"])
            harness.simulator.setFaults(.none)
            let resolved = try await harness.engine.resolve(record.id, action: .reconcile, operator: "alice")
            #expect(resolved.state == .succeeded)
            #expect(harness.replayPOSTs == 1)
        }
    }

    @Test func replaysOfTheSameRunCoalesceUnlessForced() async throws {
        var settings = EngineHarness.defaultSettings
        settings.coalesceWindow = .seconds(600)
        try await EngineHarness.with(settings: settings) { harness in
            let first = await harness.submit(try harness.request("run_failed_1", key: "a"))
            let second = await harness.submit(try harness.request("run_failed_1", key: "b"))
            #expect(first.run?.id == second.run?.id)
            #expect(second.record?.coalescedFrom?.key == "a")
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            let forced = await harness.submit(try harness.request("run_failed_1", key: "c", force: true))
            #expect(forced.run != nil)
            #expect(forced.run?.id != first.run?.id)
            #expect(harness.runsCreated(for: "run_failed_1") == 2)
        }
    }

    @Test func crashRecoveryReconcilesAnAttemptThatWasSentButNotRecorded() async throws {
        try await EngineHarness.with { harness in
            // As if replayd died right after sending: the record is in flight, the attempt has no result, and
            // Strait did create the run.
            let now = harness.clock.wallNowMilliseconds()
            let record = ReplayRecord(
                principal: "alice",
                key: "crashed",
                keySource: .client,
                fingerprint: IdempotencyKey.fingerprint(action: "replay", runID: "run_failed_1", fromCheckpoint: nil),
                runID: "run_failed_1",
                fromCheckpoint: nil,
                force: false,
                door: "socket",
                requestID: "rq_crash",
                createdAt: now
            )
            _ = try await harness.store.claim(record, coalesceSince: nil)
            _ = try await harness.store.recordAttempt(record.id, requestID: "rq_crash-1", at: now)
            let client = StraitClient(
                baseURL: harness.baseURL,
                apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey),
                http: harness.http
            )
            let created = try await client.replay(runID: RunID("run_failed_1"), requestID: "rq_crash-1")

            #expect(try await harness.engine.resumeUnfinished() == 1)
            let final = try await harness.finalRecord(record.id)
            #expect(final?.state == .succeeded)
            #expect(final?.newRunID == created.value.id)
            #expect(harness.replayPOSTs == 1)
        }
    }

    @Test func theCircuitBreakerOpensFailsFastAndAProbeClosesIt() async throws {
        var settings = EngineHarness.defaultSettings
        settings.retry = RetryPolicy(maxAttempts: 1)
        let faults = Self.plan(SimulatorFaultRule(.enqueueFailed(status: 503), count: 3))
        try await EngineHarness.with(faults: faults, settings: settings, breakerFailures: 3) { harness in
            for index in 0..<3 {
                let result = await harness.submit(try harness.request("run_failed_1", key: "b\(index)"))
                #expect(result.record?.responseStatus == 503)
            }
            let fast = await harness.submit(try harness.request("run_failed_1", key: "b3"))
            guard case .rejected(let error) = fast else {
                Issue.record("expected a fast failure while open, got \(fast)")
                return
            }
            #expect(error.code == .unavailable)
            #expect(error.message.contains("circuit breaker open"))
            #expect(harness.replayPOSTs == 3)
            // After the open period one probe goes through; its success closes the breaker.
            harness.clock.advance(by: .seconds(30))
            let probe = await harness.submit(try harness.request("run_failed_1", key: "b4"))
            #expect(probe.run != nil, "got \(probe)")
            let after = await harness.submit(try harness.request("run_failed_1", key: "b5"))
            #expect(after.run != nil)
            #expect(harness.replayPOSTs == 5)
        }
    }

    @Test func nothingSentUntilTheDeadlineFailsAsUnreachable() async throws {
        var settings = EngineHarness.defaultSettings
        settings.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        try await EngineHarness.with(settings: settings) { harness in
            let unreachable = ReplayEngine(
                store: AuditedReplayStore(harness.store, auditor: harness.audit.auditor),
                upstream: StraitClient(
                    baseURL: "http://127.0.0.1:1",
                    apiKey: StraitAPIKey("k"),
                    http: harness.http
                ),
                auditor: harness.audit.auditor,
                clock: harness.clock,
                waitClock: harness.waitClock,
                jitter: HalfJitter(),
                settings: settings,
                health: UpstreamHealth(now: { 0 }),
                logger: Logger(label: "t")
            )
            let request = try harness.request("run_failed_1", key: "down")
            let result = try await EngineHarness.withDrivers(of: unreachable) {
                await unreachable.submit(request, principal: EngineHarness.principal, logger: Logger(label: "t"))
            }
            guard case .completed(let record, false) = result else {
                Issue.record("expected a final failure, got \(result)")
                return
            }
            #expect(record.state == .failed)
            #expect(record.errorCode == "upstream_unreachable")
            #expect(record.responseStatus == 502)
            #expect(record.attempts.map(\.outcome) == [.notSent, .notSent, .notSent])
            #expect(harness.clock.requestedSleeps == [.milliseconds(50), .milliseconds(100)])
        }
    }
}

import Audit
import AuditTestSupport
import Foundation
import Logging
import PostgresNIO
import PostgresTestSupport
import Strait
import StraitSimulator
import Testing

@testable import ReplayCore

/// Failover between two engines on one PostgreSQL database, against the Strait simulator: instance A dies with an
/// attempt sent and its result not recorded; B takes the replay over once A's lease has expired on the clock,
/// reconciles it as crash recovery does, and the run exists once. Each instance has its own audit log.
@Suite struct PostgresLeaseFailoverTests {
    typealias T = StoreTesting

    static let logger: Logger = {
        var logger = Logger(label: "lease-test")
        logger.logLevel = .critical
        return logger
    }()

    /// An engine on `store`, as a daemon builds it.
    static func engine(_ store: PostgresReplayStore, audit: TestAuditTrail, harness: EngineHarness) -> ReplayEngine {
        ReplayEngine(
            store: AuditedReplayStore(store, auditor: audit.auditor),
            upstream: StraitClient(
                baseURL: harness.baseURL,
                apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey),
                http: harness.http
            ),
            auditor: audit.auditor,
            clock: harness.clock,
            waitClock: harness.waitClock,
            jitter: HalfJitter(),
            settings: harness.settings,
            health: UpstreamHealth(now: { 0 }),
            guards: .standard(clock: harness.clock),
            logger: logger
        )
    }

    /// The record the engine claims for a socket replay of `runID` under `key` by the harness's principal.
    static func record(runID: String, key: String, requestID: String, at now: Int64) -> ReplayRecord {
        ReplayRecord(
            principal: EngineHarness.principal.name,
            key: key,
            keySource: .client,
            fingerprint: IdempotencyKey.fingerprint(action: "replay", runID: runID, fromCheckpoint: nil),
            runID: runID,
            fromCheckpoint: nil,
            force: false,
            door: "socket",
            requestID: requestID,
            createdAt: now
        )
    }

    /// Reads `id` until it is final; gives up after five minutes (a hang guard, not a timing assertion).
    static func finalRecord(_ id: ReplayRecordID, in store: PostgresReplayStore) async throws -> ReplayRecord? {
        let deadline = ContinuousClock.now + .seconds(300)
        var record = try await store.record(id)
        while record?.state.isFinal != true, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
            record = try await store.record(id)
        }
        return record
    }

    /// The audit records of `trail` at `stage`.
    static func audited(_ trail: TestAuditTrail, stage: String) throws -> [AuditJSON] {
        var reader = AuditReader(directory: trail.directory)
        return try reader.poll().map(\.record).filter { $0["stage"] == .string(stage) }
    }

    static func withTwoInstances(
        _ body: (
            EngineHarness, (a: PostgresReplayStore, b: PostgresReplayStore), (a: TestAuditTrail, b: TestAuditTrail)
        )
            async throws -> Void
    ) async throws {
        try await EngineHarness.with(runsDrivers: false) { harness in
            let settings = try await PostgresTestCluster.shared.freshDatabase()
            try await T.withPostgresStores(settings) { a, b in
                try await PostgresStateMigrator(client: a.client, logger: T.logger).migrate()
                for name in ["a", "b"] {
                    try FileManager.default.createDirectory(
                        atPath: harness.directory + "/" + name,
                        withIntermediateDirectories: true
                    )
                }
                let trails = (
                    a: TestAuditTrail(directory: harness.directory + "/a", clock: harness.clock, logger: logger),
                    b: TestAuditTrail(directory: harness.directory + "/b", clock: harness.clock, logger: logger)
                )
                do {
                    try await body(harness, (a, b), trails)
                } catch {
                    await trails.a.log.close()
                    await trails.b.log.close()
                    throw error
                }
                await trails.a.log.close()
                await trails.b.log.close()
            }
        }
    }

    @Test func aDeadInstancesReplayIsTakenOverAfterItsLeaseReconciledAndCreatedOnce() async throws {
        try await Self.withTwoInstances { harness, stores, trails in
            let now = harness.clock.wallNowMilliseconds()
            let record = Self.record(runID: "run_failed_1", key: "failover", requestID: "rq_failover", at: now)
            // A claims the replay with its first attempt recorded and sends it; the run is created, and A dies
            // before it records the answer.
            let claimed = try #require(
                try await stores.a.claim(record, coalesceSince: nil, firstAttempt: "rq_failover-1").inserted
            )
            let sent = try await StraitClient(
                baseURL: harness.baseURL,
                apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey),
                http: harness.http
            ).replay(runID: RunID("run_failed_1"), requestID: "rq_failover-1")
            #expect(harness.runsCreated(for: "run_failed_1") == 1)

            let engineA = Self.engine(stores.a, audit: trails.a, harness: harness)
            let engineB = Self.engine(stores.b, audit: trails.b, harness: harness)
            let leasesA = ReplayLeaseService(
                leases: stores.a,
                engine: engineA,
                auditor: trails.a.auditor,
                clock: harness.clock,
                logger: Self.logger
            )
            let leasesB = ReplayLeaseService(
                leases: stores.b,
                engine: engineB,
                auditor: trails.b.auditor,
                clock: harness.clock,
                logger: Self.logger
            )
            try await EngineHarness.withDrivers(of: engineB) {
                // B's crash recovery resumes only its own replays; A's lease still runs.
                #expect(try await engineB.resumeUnfinished() == 0)
                #expect(await leasesB.round().takenOver.isEmpty)
                harness.clock.advance(by: .seconds(15))
                #expect(await leasesB.round().takenOver.isEmpty)
                harness.clock.advance(by: .milliseconds(1))
                let round = await leasesB.round()
                #expect(round.takenOver.map(\.id) == [claimed.id])
                #expect(round.takenOver.first?.previousOwner == "A")
                #expect(round.resumed == 1)
                let final = try #require(try await Self.finalRecord(claimed.id, in: stores.b))
                #expect(final.state == .succeeded)
                #expect(final.newRunID == sent.value.id)
            }
            // Reconciled, not sent again.
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
            #expect(harness.replayPOSTs == 1)

            // A comes back (it had only hung): its renewal learns the replay is B's, and its late result is refused.
            let roundA = await leasesA.round()
            #expect(roundA.lost.map(\.id) == [claimed.id])
            #expect(roundA.lost.first?.newOwner == "B")
            let late = await #expect(throws: StoreError.self) {
                try await stores.a.finishAttempt(
                    claimed,
                    attempt: 1,
                    outcome: .answered,
                    status: 201,
                    detail: nil,
                    at: harness.clock.wallNowMilliseconds(),
                    RecordChange(state: .failed, errorCode: "late")
                )
            }
            #expect(late?.code == .leaseLost)
            #expect(try await stores.b.record(claimed.id)?.state == .succeeded)
            #expect(try await stores.b.record(claimed.id)?.errorCode == nil)

            // Both logs name both instances.
            let takeovers = try Self.audited(trails.b, stage: "lease_takeover")
            #expect(takeovers.count == 1)
            #expect(takeovers.first?["details"]?["instance"] == .string("B"))
            #expect(takeovers.first?["details"]?["previous_instance"] == .string("A"))
            #expect(takeovers.first?["idem_key_hmac"] == .string(TestAuditTrail.key.hashValue("failover")))
            let losses = try Self.audited(trails.a, stage: "lease_lost")
            #expect(losses.count == 1)
            #expect(losses.first?["details"]?["instance"] == .string("A"))
            #expect(losses.first?["details"]?["new_instance"] == .string("B"))
        }
    }

    /// A repeat of a key whose replay another instance drives, sent to this one, is answered "in progress"; the
    /// driver this instance starts for it finds the lease is not its own and sends nothing.
    @Test func aRepeatOfAKeyAnotherInstanceDrivesSendsNothingHere() async throws {
        try await Self.withTwoInstances { harness, stores, trails in
            let now = harness.clock.wallNowMilliseconds()
            let record = Self.record(runID: "run_failed_1", key: "shared", requestID: "rq_b", at: now)
            let claimed = try #require(try await stores.b.claim(record, coalesceSince: nil).inserted)
            let engineA = Self.engine(stores.a, audit: trails.a, harness: harness)
            let submission = try await EngineHarness.withDrivers(of: engineA) {
                let submission = await engineA.submit(
                    try harness.request("run_failed_1", key: "shared"),
                    principal: EngineHarness.principal,
                    logger: Self.logger
                )
                // The driver it started stops at its first write; a hang guard of five minutes, not a timing
                // assertion.
                let deadline = ContinuousClock.now + .seconds(300)
                while engineA.activeDriverCount > 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                return submission
            }
            guard case .inProgress = submission else {
                Issue.record("expected in progress, got \(submission)")
                return
            }
            #expect(harness.replayPOSTs == 0)
            #expect(try await stores.b.record(claimed.id) == claimed)
            #expect(try await PostgresLeaseTests.lease(claimed.id, in: stores.a)?.owner == "B")
        }
    }
}

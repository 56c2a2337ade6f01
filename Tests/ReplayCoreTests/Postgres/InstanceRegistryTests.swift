import Logging
import PostgresNIO
import PostgresTestSupport
import ServiceLifecycle
import Testing

@testable import ReplayCore

/// The instance registry (`v7-instances`) and `replayd doctor`'s PostgreSQL checks, on the test cluster: each
/// heartbeat stores the database's `now()` and the skew of the instance's own (injected) clock against it.
@Suite(.timeLimit(.minutes(5))) struct InstanceRegistryTests {
    typealias T = StoreTesting

    static func identity(_ id: String, pid: Int64 = 4242, started: Int64 = 1_000) -> InstanceIdentity {
        InstanceIdentity(id: id, host: "host-\(id)", pid: pid, version: "9.9.9", startedAtMilliseconds: started)
    }

    /// Polls `condition` (a hang guard of two minutes, not a timing assertion).
    static func eventually(_ condition: () async throws -> Bool) async throws {
        let limit = ContinuousClock.now + .seconds(120)
        while try await !condition() {
            guard ContinuousClock.now < limit else {
                Issue.record("condition not met within the hang guard")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func aHeartbeatStoresTheSkewOfTheInjectedClockAgainstTheDatabasesNow() async throws {
        try await T.withStore(.postgres) { _, fixture in
            guard let first = fixture.store as? PostgresReplayStore,
                let second = try await fixture.other() as? PostgresReplayStore
            else { throw StoreError(.io, "not PostgreSQL stores") }
            let registryA = PostgresInstanceRegistry(client: first.client, logger: T.logger)
            let registryB = PostgresInstanceRegistry(client: second.client, logger: T.logger)
            let (databaseNow, nobody) = try await registryA.live(within: .seconds(30))
            #expect(nobody.isEmpty)

            // Instance a runs 90 s ahead of the database, instance b 200 s behind it.
            let ahead = ManualReplayClock(wallStartMilliseconds: databaseNow + 90_000)
            let behind = ManualReplayClock(wallStartMilliseconds: databaseNow - 200_000)
            let viewA = FleetView(instanceID: "gw-a", registered: true)
            let serviceA = InstanceHeartbeatService(
                registry: registryA,
                identity: Self.identity("gw-a"),
                clock: ahead,
                view: viewA,
                logger: T.logger
            )
            let maybeA = await serviceA.beat()
            let beatA = try #require(maybeA)
            #expect(beatA.skewMilliseconds == ahead.wallNowMilliseconds() - beatA.databaseNowMilliseconds)
            #expect(beatA.skewMilliseconds > 0 && beatA.skewMilliseconds <= 90_000)
            #expect(beatA.live.map(\.id) == ["gw-a"])
            #expect(beatA.claimedByOther == nil)

            let serviceB = InstanceHeartbeatService(
                registry: registryB,
                identity: Self.identity("gw-b"),
                clock: behind,
                view: FleetView(instanceID: "gw-b", registered: true),
                logger: T.logger
            )
            let maybeB = await serviceB.beat()
            let beatB = try #require(maybeB)
            #expect(beatB.skewMilliseconds == behind.wallNowMilliseconds() - beatB.databaseNowMilliseconds)
            #expect(beatB.skewMilliseconds < -200_000 + 1 && beatB.skewMilliseconds >= -300_000)
            #expect(beatB.live.map(\.id) == ["gw-a", "gw-b"])
            let rowA = try #require(beatB.live.first)
            #expect(rowA.skewMilliseconds == beatA.skewMilliseconds, "what a stored is what b reads")
            #expect(rowA.host == "host-gw-a" && rowA.pid == 4242 && rowA.version == "9.9.9")
            #expect(rowA.startedAtMilliseconds == 1_000)
            #expect(rowA.lastSeenMilliseconds == beatA.databaseNowMilliseconds)

            // The view the status route reads: the last heartbeat's facts.
            let snapshot = viewA.fleetSnapshot
            #expect(snapshot.instanceID == "gw-a" && snapshot.registered)
            #expect(snapshot.skewMilliseconds == beatA.skewMilliseconds)
            #expect(snapshot.live?.map(\.id) == ["gw-a"])

            // Another live process with a's id (a second instance configured with it) is noticed.
            let impostor = try await registryB.heartbeat(
                Self.identity("gw-a", pid: 7),
                localNowMilliseconds: behind.wallNowMilliseconds(),
                liveWithin: .seconds(30)
            )
            #expect(impostor.claimedByOther?.pid == 4242)
            let maybeBack = await serviceA.beat()
            let back = try #require(maybeBack)
            #expect(back.claimedByOther?.pid == 7)
            #expect(viewA.fleetSnapshot.claimedByOther?.pid == 7)

            // A graceful stop removes only the row this process wrote.
            try await registryB.remove(Self.identity("gw-a", pid: 7))
            #expect(try await registryA.live(within: .seconds(30)).instances.map(\.id) == ["gw-a", "gw-b"])
            try await registryB.remove(Self.identity("gw-b"))
            #expect(try await registryA.live(within: .seconds(30)).instances.map(\.id) == ["gw-a"])
        }
    }

    @Test func theServiceBeatsAtOnceThenEveryIntervalOfItsClockAndLeavesAtShutdown() async throws {
        try await T.withStore(.postgres) { _, fixture in
            guard let store = fixture.store as? PostgresReplayStore else {
                throw StoreError(.io, "not a PostgreSQL store")
            }
            let registry = PostgresInstanceRegistry(client: store.client, logger: T.logger)
            let clock = ManualReplayClock(wallStartMilliseconds: 1_800_000_000_000)
            let view = FleetView(instanceID: "gw-a", registered: true)
            let service = InstanceHeartbeatService(
                registry: registry,
                identity: Self.identity("gw-a"),
                clock: clock,
                view: view,
                interval: .seconds(10),
                logger: T.logger
            )
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: service)], logger: T.logger)
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Self.eventually { clock.sleeperCount == 1 }
                let first = view.fleetSnapshot
                let firstNow = try #require(first.databaseNowMilliseconds)
                #expect(first.skewMilliseconds == 1_800_000_000_000 - firstNow, "read before the first sleep")
                #expect(clock.requestedSleeps == [.seconds(10)])
                clock.advance(by: .seconds(10))
                try await Self.eventually { clock.requestedSleeps.count == 2 && clock.sleeperCount == 1 }
                // The second heartbeat read the clock 10 s later: the stored skew is that reading minus now().
                let rows = try await registry.live(within: .seconds(30)).instances
                #expect(rows.map(\.id) == ["gw-a"])
                let row = try #require(rows.first)
                #expect(row.skewMilliseconds == clock.wallNowMilliseconds() - row.lastSeenMilliseconds)
                #expect(view.fleetSnapshot.skewMilliseconds == row.skewMilliseconds)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(try await registry.live(within: .seconds(30)).instances.isEmpty, "removed at a graceful stop")
        }
    }

    @Test func doctorOnAMigratedDatabaseReportsSkewAndTheOtherInstances() async throws {
        try await T.withStore(.postgres) { _, fixture in
            guard let store = fixture.store as? PostgresReplayStore else {
                throw StoreError(.io, "not a PostgreSQL store")
            }
            let registry = PostgresInstanceRegistry(client: store.client, logger: T.logger)
            let (databaseNow, _) = try await registry.live(within: .seconds(30))
            // gw-b recorded 200 s of skew, gw-c 1 s.
            _ = try await registry.heartbeat(
                Self.identity("gw-b"),
                localNowMilliseconds: databaseNow - 200_000,
                liveWithin: .seconds(30)
            )
            _ = try await registry.heartbeat(
                Self.identity("gw-c"),
                localNowMilliseconds: databaseNow + 1_000,
                liveWithin: .seconds(30)
            )
            // This machine: 60 s ahead (past half of a 300 s tolerance's warning floor of 30 s, inside it).
            let clock = ManualReplayClock(wallStartMilliseconds: databaseNow + 60_000)
            let findings = await PostgresStateDoctor(
                client: store.client,
                clock: clock,
                tolerance: .seconds(300),
                instanceID: "gw-a",
                logger: T.logger
            ).run()
            #expect(findings.map(\.check) == ["database", "skew", "migrations", "fleet"])
            #expect(findings[0].status == .ok)
            #expect(findings[0].message.hasPrefix("connected (PostgreSQL "))
            #expect(findings[1].status == .warn, "\(findings[1])")
            #expect(findings[1].message.contains("this machine's clock is +"))
            #expect(findings[2].status == .ok)
            let fleet = findings[3]
            #expect(fleet.status == .warn, "\(fleet)")
            #expect(fleet.message.contains("2 other live instances"))
            #expect(fleet.message.contains("past ±30 s: gw-b"))
            #expect(!fleet.message.contains("past ±30 s: gw-b, gw-c"))
            #expect(fleet.fix?.contains("NTP") == true)

            // Past the whole tolerance, this machine's skew fails.
            let far = await PostgresStateDoctor(
                client: store.client,
                clock: ManualReplayClock(wallStartMilliseconds: databaseNow - 400_000),
                tolerance: .seconds(300),
                instanceID: "gw-b",
                logger: T.logger
            ).run()
            #expect(far.first { $0.check == "skew" }?.status == .fail)
            #expect(far.first { $0.check == "fleet" }?.status == .ok, "gw-c's 1 s is fine; gw-b is this one")
        }
    }

    @Test func doctorOnAnUnmigratedDatabaseNamesTheMissingMigrationsAndTheFix() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        try await T.withPostgresStores(settings) { store, _ in
            let findings = await PostgresStateDoctor(
                client: store.client,
                clock: SystemReplayClock(),
                tolerance: .seconds(300),
                instanceID: "gw-a",
                logger: T.logger
            ).run()
            #expect(findings.map(\.check) == ["database", "skew", "migrations"], "no registry to read yet")
            let migrations = findings[2]
            #expect(migrations.status == .fail)
            #expect(migrations.message.contains(PostgresStateSchema.migrations.map(\.name).joined(separator: ", ")))
            #expect(migrations.fix?.contains("replayd state migrate") == true)
        }
    }
}

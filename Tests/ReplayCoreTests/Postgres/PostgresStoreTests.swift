import Logging
import PostgresNIO
import PostgresTestSupport
import Testing

@testable import ReplayCore

/// What only the PostgreSQL backend has: explicit migrations, and one state shared by several instances (here,
/// two stores with clients of their own on one database). The behaviour both backends share is tested by the
/// `Store*Tests` suites, which run against both.
@Suite struct PostgresStoreTests {
    typealias T = StoreTesting

    @Test func migrateAppliesEveryMigrationOnceAndStatusFollows() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        try await T.withPostgresStores(settings) { first, second in
            let migrator = PostgresStateMigrator(client: first.client, logger: T.logger)
            #expect(
                try await migrator.status()
                    == .behind(missing: [
                        "v1", "v2-webhooks", "v3-team-tokens", "v4-pause", "v5-leases", "v6-upstream-budget",
                        "v7-instances", "v8-upstream-schedule",
                    ])
            )
            #expect(
                try await migrator.migrate() == [
                    "v1", "v2-webhooks", "v3-team-tokens", "v4-pause", "v5-leases", "v6-upstream-budget",
                    "v7-instances", "v8-upstream-schedule",
                ]
            )
            #expect(try await migrator.status() == .current)
            #expect(try await PostgresStateMigrator(client: second.client, logger: T.logger).migrate() == [])
            try await migrator.requireCurrent()
        }
    }

    @Test func theMigrationsAreSQLitesByNameAndOrder() {
        #expect(PostgresStateSchema.migrations.map(\.name) == SQLiteReplayStore.migrator.migrations)
    }

    @Test func anUnmigratedDatabaseIsRefusedWithTheCommandThatFixesIt() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        try await T.withPostgresStores(settings) { store, _ in
            let migrator = PostgresStateMigrator(client: store.client, logger: T.logger)
            let error = await #expect(throws: StoreError.self) { try await migrator.requireCurrent() }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("run `replayd state migrate`") == true)
        }
    }

    @Test func aDatabaseMigratedByANewerReplaydIsRefused() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        try await T.withPostgresStores(settings) { store, _ in
            let future =
                PostgresStateSchema.migrations + [
                    .init(name: "v9-future", statements: ["CREATE TABLE future_things (id BIGINT)"])
                ]
            try await PostgresStateMigrator(client: store.client, logger: T.logger, migrations: future).migrate()
            let current = PostgresStateMigrator(client: store.client, logger: T.logger)
            #expect(try await current.status() == .ahead(unknown: ["v9-future"]))
            let serve = await #expect(throws: StoreError.self) { try await current.requireCurrent() }
            #expect(serve?.message.contains("newer replayd") == true)
            let migrate = await #expect(throws: StoreError.self) { try await current.migrate() }
            #expect(migrate?.message.contains("refusing to migrate") == true)
        }
    }

    @Test func twoInstancesMigratingAtOnceApplyEachMigrationOnce() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        try await T.withPostgresStores(settings) { first, second in
            async let a = PostgresStateMigrator(client: first.client, logger: T.logger).migrate()
            async let b = PostgresStateMigrator(client: second.client, logger: T.logger).migrate()
            let applied = try await [a, b]
            #expect(
                applied.sorted { $0.count < $1.count } == [
                    [],
                    [
                        "v1", "v2-webhooks", "v3-team-tokens", "v4-pause", "v5-leases", "v6-upstream-budget",
                        "v7-instances", "v8-upstream-schedule",
                    ],
                ]
            )
        }
    }

    /// Writes that run in one batch fail alone: a write to a missing record, and one that repeats a request id,
    /// roll back their own savepoints while the rest of their batches commit.
    @Test func aFailingWriteFailsAloneInItsBatch() async throws {
        try await T.withStore(.postgres) { store, _ in
            let records = try await withThrowingTaskGroup(of: ReplayRecord.self) { group in
                for index in 0..<20 {
                    group.addTask { try await T.create(T.record(key: "k\(index)", requestID: "r\(index)"), in: store) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let outcomes = await withTaskGroup(of: (String, StoreError.Code?).self) { group in
                for record in records {
                    group.addTask {
                        do {
                            _ = try await store.recordAttempt(record, requestID: "att-\(record.key)", at: T.t0 + 1)
                            return (record.key, nil)
                        } catch { return (record.key, (error as? StoreError)?.code ?? .io) }
                    }
                }
                group.addTask {
                    do {
                        _ = try await store.update(T.record(key: "missing"), at: T.t0, RecordChange(state: .failed))
                        return ("missing", nil)
                    } catch { return ("missing", (error as? StoreError)?.code ?? .io) }
                }
                group.addTask {
                    do {
                        _ = try await store.recordAttempt(records[0], requestID: "att-\(records[1].key)", at: T.t0)
                        return ("duplicate", nil)
                    } catch { return ("duplicate", (error as? StoreError)?.code ?? .io) }
                }
                return await group.reduce(into: [String: StoreError.Code?]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes["missing"] == .some(.notFound))
            #expect(outcomes["duplicate"] == .some(.io))
            for record in records {
                #expect(outcomes[record.key] == .some(nil))
                let stored = try #require(try await store.record(record.id))
                #expect(stored.state == .inFlight)
                #expect(stored.attempts.map(\.requestID) == ["att-\(record.key)"])
            }
        }
    }

    @Test func aDeliveryRetriedToAnotherInstanceGetsTheFirstAnswer() async throws {
        try await T.withStore(.postgres) { first, fixture in
            let second = try await fixture.other()
            let delivery = DeliveryID(source: "github", id: "42:abc")
            let answer = DeliveryAnswer(status: 202, body: Array(#"{"status":"accepted"}"#.utf8))
            #expect(try await first.claimDelivery(delivery, at: T.t0) == .new)
            #expect(try await second.claimDelivery(delivery, at: T.t0 + 1) == .unanswered)
            let reply = PendingReply(
                delivery: delivery,
                kind: .slack,
                record: ReplayRecordID(principal: "ci", key: delivery.idempotencyKey),
                runID: "run_1",
                destination: "https://hooks.example/1",
                notAfter: T.t0 + T.hour
            )
            try await first.answerDelivery(delivery, answer: answer, reply: reply)
            #expect(try await second.claimDelivery(delivery, at: T.t0 + 2) == .answered(answer))
            // The reply owed is the fleet's: another instance can finish it.
            #expect(try await second.pendingReplies(limit: 10) == [reply])
            try await second.finishReply(delivery)
            #expect(try await first.pendingReplies(limit: 10) == [])
        }
    }

    /// Two instances taking requests for one run inside the coalescing window start one upstream replay between
    /// them: the advisory lock makes each claim's lookup and insert atomic against the other's.
    @Test func twoInstancesCoalesceOneRunIntoExactlyOneReplay() async throws {
        try await T.withStore(.postgres) { first, fixture in
            let second = try await fixture.other()
            let results = try await withThrowingTaskGroup(of: ClaimResult.self) { group in
                for index in 0..<40 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        try await store.claim(
                            T.record(principal: "p\(index % 4)", key: "key-\(index)", requestID: "r\(index)"),
                            coalesceSince: T.t0
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = results.filter(\.isCreated)
            #expect(created.count == 1)
            let driver = try #require(created.first?.record)
            #expect(results.filter { if case .coalesced(_, into: driver) = $0 { true } else { false } }.count == 39)
        }
    }

    /// Two instances spending one original run's automatic-replay budget of 3 get 3 reservations between them.
    @Test func theAutomaticReplayBudgetIsSharedByTheFleet() async throws {
        try await T.withStore(.postgres) { first, fixture in
            let second = try await fixture.other()
            let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        try await store.reserveAutomaticReplay(source: "strait", originalRunID: "run_1", at: T.t0) {
                            count,
                            _ in count < 3
                        }
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(granted == 3)
        }
    }

    @Test func aWriteAfterTheServiceStoppedFailsUnavailable() async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        let store = try await T.withPostgresStores(settings) { store, _ in
            try await PostgresStateMigrator(client: store.client, logger: T.logger).migrate()
            try await T.create(T.record(), in: store)
            return store
        }
        let error = await #expect(throws: StoreError.self) {
            try await store.claim(T.record(key: "after"), coalesceSince: nil)
        }
        #expect(error?.code == .unavailable)
        let read = await #expect(throws: StoreError.self) { try await store.record(T.record().id) }
        #expect(read?.code == .unavailable)
    }
}

import GRDB
import Testing

@testable import ReplayCore

/// `claim` with `coalesceSince`: a new key for a run and checkpoint that is already being replayed joins that
/// replay instead of starting another.
@Suite struct StoreCoalescingTests {
    typealias T = StoreTesting

    @Test(arguments: StoreBackend.allCases) func requestForARunInProgressIsPendingAndPointsAtIt(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let driver = try await T.create(T.record(principal: "alice", key: "a"), in: store)
            _ = try await store.recordAttempt(driver.id, requestID: "att-1", at: T.t0 + 10)
            let inFlight = try #require(try await store.record(driver.id))

            var request = T.record(principal: "bob", key: "b", createdAt: T.t0 + 1_000, requestID: "req-b")
            request.state = .reconciling  // whatever the caller passes, a coalesced in-progress copy is pending
            let result = try await store.claim(request, coalesceSince: T.t0)
            guard case .coalesced(let inserted, let into) = result else {
                Issue.record("expected .coalesced, got \(result)")
                return
            }
            #expect(into == inFlight)
            #expect(inserted.principal == "bob")
            #expect(inserted.coalescedFrom == driver.id)
            #expect(inserted.state == .pending)
            #expect(inserted.newRunID == nil && inserted.responseBody == nil)
            #expect(try await store.record(inserted.id) == inserted)
        }
    }

    @Test(arguments: StoreBackend.allCases) func windowStartIsInclusive(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            try await T.create(T.record(key: "a", createdAt: T.t0), in: store)
            // `a` is one millisecond before the window.
            let b = try await store.claim(T.record(key: "b", createdAt: T.t0 + 5), coalesceSince: T.t0 + 1)
            #expect(b.isCreated)
            // `b` was created exactly at the window's start.
            let c = try await store.claim(T.record(key: "c", createdAt: T.t0 + 6), coalesceSince: T.t0 + 5)
            guard case .coalesced(_, let into) = c else {
                Issue.record("expected .coalesced, got \(c)")
                return
            }
            #expect(into.key == "b")
        }
    }

    @Test(arguments: StoreBackend.allCases) func newestMatchIsChosen(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            try await T.create(T.record(principal: "alice", key: "a", createdAt: T.t0), in: store)
            try await T.create(T.record(principal: "bob", key: "b", force: true, createdAt: T.t0 + 10), in: store)
            try await T.create(T.record(principal: "carol", key: "c", force: true, createdAt: T.t0 + 5), in: store)
            let result = try await store.claim(T.record(key: "d", createdAt: T.t0 + 20), coalesceSince: T.t0)
            guard case .coalesced(let inserted, let into) = result else {
                Issue.record("expected .coalesced, got \(result)")
                return
            }
            #expect(into.id == ReplayRecordID(principal: "bob", key: "b"))
            #expect(inserted.coalescedFrom == into.id)
        }
    }

    @Test(arguments: StoreBackend.allCases) func forceBypassesCoalescing(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            try await T.create(T.record(key: "a"), in: store)
            let forced = T.record(key: "b", force: true, createdAt: T.t0 + 1)
            #expect(try await store.claim(forced, coalesceSince: T.t0) == .created(forced))
        }
    }

    @Test(arguments: StoreBackend.allCases) func noWindowMeansNoCoalescing(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            try await T.create(T.record(key: "a"), in: store)
            let next = T.record(key: "b", createdAt: T.t0 + 1)
            #expect(try await store.claim(next, coalesceSince: nil) == .created(next))
        }
    }

    @Test(arguments: StoreBackend.allCases) func failedReplaysAreNotCoalescedIntoButOlderSuccessesAre(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let older = try await T.create(T.record(key: "a", createdAt: T.t0), in: store)
            try await store.update(older.id, at: T.t0 + 1, RecordChange(state: .succeeded, newRunID: "run_new"))
            let newer = try await T.create(T.record(key: "b", force: true, createdAt: T.t0 + 2), in: store)
            try await store.update(newer.id, at: T.t0 + 3, RecordChange(state: .failed, errorCode: "E"))

            let result = try await store.claim(T.record(key: "c", createdAt: T.t0 + 4), coalesceSince: T.t0)
            guard case .coalesced(let inserted, let into) = result else {
                Issue.record("expected .coalesced, got \(result)")
                return
            }
            #expect(into.id == older.id)
            #expect(inserted.state == .succeeded)

            try await store.update(older.id, at: T.t0 + 5, RecordChange(state: .failed))
            let alone = T.record(key: "d", createdAt: T.t0 + 6)
            // `c` is a copy, not a driver; `a` and `b` failed: nothing to join.
            #expect(try await store.claim(alone, coalesceSince: T.t0) == .created(alone))
        }
    }

    @Test(arguments: StoreBackend.allCases) func succeededReplayLendsItsAnswer(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            let driver = try await T.create(T.record(principal: "alice", key: "a", checkpoint: 4), in: store)
            let body: [UInt8] = Array(#"{"id":"run_9"}"#.utf8)
            let change = RecordChange(state: .succeeded, newRunID: "run_9", responseStatus: 201, responseBody: body)
            let done = try await store.update(driver.id, at: T.t0 + 50, change)

            let request = T.record(principal: "bob", key: "b", checkpoint: 4, createdAt: T.t0 + 100)
            let result = try await store.claim(request, coalesceSince: T.t0)
            var expected = request
            expected.coalescedFrom = driver.id
            expected.state = .succeeded
            expected.newRunID = "run_9"
            expected.responseStatus = 201
            expected.responseBody = body
            #expect(result == .coalesced(expected, into: done))
            #expect(try await store.record(request.id) == expected)
        }
    }

    @Test(arguments: StoreBackend.allCases) func onlyTheSameActionRunAndCheckpointMatch(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            try await T.create(T.record(key: "a", runID: "run_1", checkpoint: nil), in: store)
            try await T.create(T.record(key: "b", runID: "run_1", checkpoint: 3, createdAt: T.t0 + 1), in: store)
            let cases = [
                T.record(key: "c", runID: "run_1", checkpoint: 4, createdAt: T.t0 + 2),
                T.record(key: "d", runID: "run_2", checkpoint: nil, createdAt: T.t0 + 3),
                T.record(key: "e", runID: "run_1", action: "rerun", createdAt: T.t0 + 4),
            ]
            for request in cases {
                #expect(try await store.claim(request, coalesceSince: T.t0) == .created(request))
            }
            let nilCheckpoint = try await store.claim(T.record(key: "f", createdAt: T.t0 + 5), coalesceSince: T.t0)
            guard case .coalesced(_, let into) = nilCheckpoint else {
                Issue.record("expected .coalesced, got \(nilCheckpoint)")
                return
            }
            #expect(into.key == "a")
        }
    }

    @Test(arguments: StoreBackend.allCases) func coalescedRecordsAreNeverTargetsSoThereAreNoChains(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let driver = try await T.create(T.record(principal: "alice", key: "a"), in: store)
            let second = try await store.claim(
                T.record(principal: "bob", key: "b", createdAt: T.t0 + 1),
                coalesceSince: T.t0
            )
            #expect(second.record.coalescedFrom == driver.id)
            let third = try await store.claim(
                T.record(principal: "carol", key: "c", createdAt: T.t0 + 2),
                coalesceSince: T.t0
            )
            guard case .coalesced(let inserted, let into) = third else {
                Issue.record("expected .coalesced, got \(third)")
                return
            }
            #expect(into.id == driver.id)
            #expect(inserted.coalescedFrom == driver.id)
        }
    }

    @Test func coalescingLookupUsesItsIndex() async throws {
        try await T.withStore { store, _ in
            let plan = try await store.withWriterConnection { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        EXPLAIN QUERY PLAN SELECT * FROM replays
                        WHERE action = ? AND run_id = ? AND from_checkpoint IS ? AND created_at >= ?
                            AND state <> 'failed' AND coalesced_from_key IS NULL
                        ORDER BY created_at DESC, rowid DESC LIMIT 1
                        """,
                    arguments: ["replay", "run_1", nil, T.t0]
                )
                .map { row in try row.decode(String.self, forColumn: "detail") }
            }
            #expect(plan.joined(separator: "\n").contains("replays_coalescing"))
        }
    }
}

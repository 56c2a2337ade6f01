import Testing

@testable import ReplayCore

/// `PauseStore` and the `replays.source` column (migration `v4-pause`) on both backends.
@Suite struct StorePauseTests {
    typealias T = StoreTesting

    @Test(arguments: StoreBackend.allCases) func pausesAreStoredReplacedAndRemoved(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, fixture in
            #expect(try await store.pauses().isEmpty)
            let all = PauseEntry(scope: .all, reason: "upstream incident", pausedAt: T.t0, by: "uid=0")
            let github = PauseEntry(scope: PauseScope(storageKey: "github"), reason: nil, pausedAt: T.t0 + 1, by: "op")
            try await store.savePause(github)
            try await store.savePause(all)
            #expect(try await store.pauses() == [all, github])  // by scope: "*" sorts first
            let replaced = PauseEntry(scope: .all, reason: "still down", pausedAt: T.t0 + 5, by: "uid=1")
            try await store.savePause(replaced)
            // Another handle (another instance on PostgreSQL) reads the same pauses.
            #expect(try await fixture.other().pauses() == [replaced, github])
            try await store.removePauses(.all)
            #expect(try await store.pauses() == [github])
            try await store.savePause(all)
            try await store.removePauses(nil)
            #expect(try await store.pauses().isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases) func aRecordKeepsItsSource(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            var record = T.record(key: "from-github")
            record.source = "github"
            let created = try await T.create(record, in: store)
            #expect(created.source == "github")
            #expect(try await store.record(record.id)?.source == "github")
            let socket = try await T.create(T.record(key: "from-socket", requestID: "req-2"), in: store)
            #expect(try await store.record(socket.id)?.source == nil)
        }
    }
}

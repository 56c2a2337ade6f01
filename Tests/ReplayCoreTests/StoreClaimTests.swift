import Testing

@testable import ReplayCore

/// `claim`: the idempotency-key claim, alone and under concurrency.
@Suite struct StoreClaimTests {
    typealias T = StoreTesting

    @Test(arguments: StoreBackend.allCases) func firstClaimCreatesAndRepeatFindsTheSameRecord(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let record = T.record()
            let first = try await store.claim(record, coalesceSince: nil)
            #expect(first == .created(record))

            var repeatRequest = T.record(createdAt: T.t0 + 5_000, requestID: "req-2")
            repeatRequest.door = "rpc"
            let second = try await store.claim(repeatRequest, coalesceSince: nil)
            #expect(second == .existing(record))
            #expect(try await store.record(record.id) == record)
        }
    }

    @Test(arguments: StoreBackend.allCases) func sameKeyForAnotherRequestIsAFingerprintMismatch(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let record = try await T.create(T.record(runID: "run_1"), in: store)
            let other = T.record(runID: "run_2", requestID: "req-2")
            #expect(try await store.claim(other, coalesceSince: nil) == .fingerprintMismatch(record))
            #expect(try await store.record(record.id)?.runID == "run_1")
        }
    }

    @Test(arguments: StoreBackend.allCases) func keysAreScopedPerPrincipal(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            try await T.create(T.record(principal: "alice", key: "same"), in: store)
            let bob = T.record(principal: "bob", key: "same", runID: "run_2")
            #expect(try await store.claim(bob, coalesceSince: nil) == .created(bob))
            #expect(try await store.record(ReplayRecordID(principal: "bob", key: "same")) == bob)
        }
    }

    @Test(arguments: StoreBackend.allCases) func claimStoresEveryField(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, fixture in
            var record = T.record(checkpoint: 7, force: true)
            record.keySource = .derived
            record.nextActionAt = T.t0 + 1
            record.reconcileDeadline = T.t0 + 2
            record.projectID = "proj_1"
            record.errorCode = "E"
            record.errorMessage = "message"
            record.resolution = "note"
            record.responseStatus = 202
            record.responseBody = [0, 1, 2, 255]
            record.coalescedFrom = ReplayRecordID(principal: "bob", key: "k")
            try await T.create(record, in: store)
            let reopened = try await fixture.reopen()
            #expect(try await reopened.record(record.id) == record)
        }
    }

    @Test(arguments: StoreBackend.allCases) func hundredConcurrentClaimsOfOneIDCreateExactlyOne(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let results = try await withThrowingTaskGroup(of: ClaimResult.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await store.claim(T.record(requestID: "req-\(index)"), coalesceSince: T.t0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = results.filter(\.isCreated)
            #expect(created.count == 1)
            let winner = try #require(created.first?.record)
            #expect(results.filter { $0 == .existing(winner) }.count == 99)
            #expect(try await store.record(winner.id) == winner)
        }
    }

    /// Two handles on one state: two SQLite connections to one file, or two PostgreSQL clients (two instances).
    @Test(arguments: StoreBackend.allCases)
    func concurrentClaimsFromTwoConnectionsCreateExactlyOne(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { first, fixture in
            let second = try await fixture.other()
            let results = try await withThrowingTaskGroup(of: ClaimResult.self) { group in
                for index in 0..<40 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask { try await store.claim(T.record(requestID: "req-\(index)"), coalesceSince: nil) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter(\.isCreated).count == 1)
            #expect(results.filter { if case .existing = $0 { true } else { false } }.count == 39)
        }
    }

    @Test(arguments: StoreBackend.allCases) func concurrentRequestsForOneRunCoalesceIntoExactlyOneReplay(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let results = try await withThrowingTaskGroup(of: ClaimResult.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        let record = T.record(principal: "p\(index % 3)", key: "key-\(index)", requestID: "r\(index)")
                        return try await store.claim(record, coalesceSince: T.t0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = results.filter(\.isCreated)
            #expect(created.count == 1)
            let driver = try #require(created.first?.record)
            for result in results where !result.isCreated {
                guard case .coalesced(let inserted, let into) = result else {
                    Issue.record("expected .coalesced, got \(result)")
                    continue
                }
                #expect(into.id == driver.id)
                #expect(inserted.coalescedFrom == driver.id)
                #expect(inserted.state == .pending)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func claimOfAnExistingKeyIsNotCoalesced(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let driver = try await T.create(T.record(principal: "bob", key: "driver"), in: store)
            let mine = try await T.create(T.record(key: "mine", createdAt: T.t0 - 10), in: store)
            #expect(driver.id != mine.id)
            let again = try await store.claim(T.record(key: "mine", requestID: "req-2"), coalesceSince: T.t0 - 100)
            #expect(again == .existing(mine))
        }
    }
}

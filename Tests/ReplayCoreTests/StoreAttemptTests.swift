import Testing

@testable import ReplayCore

/// Attempts: recorded durably before sending, numbered per record, found by request id.
@Suite struct StoreAttemptTests {
    typealias T = StoreTesting

    @Test(arguments: StoreBackend.allCases) func attemptsAreNumberedAndPutTheRecordInFlight(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let record = try await T.create(T.record(), in: store)
            try await store.update(record.id, at: T.t0 + 1, RecordChange(nextActionAt: T.t0 + 60_000))

            let first = try await store.recordAttempt(record.id, requestID: "att-1", at: T.t0 + 100)
            #expect(first == AttemptRecord(number: 1, requestID: "att-1", recordedAt: T.t0 + 100))
            let afterFirst = try #require(try await store.record(record.id))
            #expect(afterFirst.state == .inFlight)
            #expect(afterFirst.nextActionAt == nil)
            #expect(afterFirst.updatedAt == T.t0 + 100)

            let second = try await store.recordAttempt(record.id, requestID: "att-2", at: T.t0 + 200)
            #expect(second.number == 2)
            #expect(try await store.record(record.id)?.attempts == [first, second])
        }
    }

    @Test(arguments: StoreBackend.allCases) func finishAttemptStoresTheResultAndTheOutcomeTogether(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let record = try await T.create(T.record(), in: store)
            _ = try await store.recordAttempt(record.id, requestID: "fin-1", at: T.t0 + 10)
            try await store.finishAttempt(
                record.id,
                attempt: 1,
                outcome: .answered,
                status: 201,
                detail: nil,
                at: T.t0 + 20,
                RecordChange(state: .succeeded, newRunID: "run-new", responseStatus: 201, responseBody: [1, 2])
            )
            let finished = try #require(try await store.record(record.id))
            #expect(finished.state == .succeeded)
            #expect(finished.newRunID == "run-new")
            #expect(finished.updatedAt == T.t0 + 20)
            #expect(finished.attempts.first?.outcome == .answered)
            #expect(finished.attempts.first?.status == 201)
            #expect(finished.attempts.first?.finishedAt == T.t0 + 20)

            // A missing attempt changes nothing: the record update is rolled back with it.
            await #expect(throws: StoreError.self) {
                try await store.finishAttempt(
                    record.id,
                    attempt: 9,
                    outcome: .answered,
                    status: 500,
                    detail: nil,
                    at: T.t0 + 30,
                    RecordChange(state: .failed)
                )
            }
            #expect(try await store.record(record.id)?.state == .succeeded)
        }
    }

    @Test(arguments: StoreBackend.allCases) func numberingIsPerRecord(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            let a = try await T.create(T.record(key: "a"), in: store)
            let b = try await T.create(T.record(key: "b"), in: store)
            _ = try await store.recordAttempt(a.id, requestID: "a-1", at: T.t0)
            _ = try await store.recordAttempt(a.id, requestID: "a-2", at: T.t0)
            #expect(try await store.recordAttempt(b.id, requestID: "b-1", at: T.t0).number == 1)
        }
    }

    @Test func attemptIsDurableForAnotherConnectionAndAfterReopening() async throws {
        try await T.withDirectory { directory in
            let path = T.databasePath(in: directory)
            let writer = try SQLiteReplayStore(path: path, logger: T.logger)
            let record = try await T.create(T.record(), in: writer)
            let attempt = try await writer.recordAttempt(record.id, requestID: "att-1", at: T.t0 + 1)

            // A second store on the same file sees the committed attempt at once.
            let reader = try SQLiteReplayStore(path: path, logger: T.logger)
            #expect(try await reader.record(record.id)?.attempts == [attempt])
            try reader.close()
            try writer.close()

            let reopened = try SQLiteReplayStore(path: path, logger: T.logger)
            let stored = try #require(try await reopened.record(record.id))
            #expect(stored.state == .inFlight)
            #expect(stored.attempts == [attempt])
            #expect(try await reopened.unfinished(limit: 10).map(\.id) == [record.id])
        }
    }

    @Test(arguments: StoreBackend.allCases) func attemptResultIsStored(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            let record = try await T.create(T.record(), in: store)
            _ = try await store.recordAttempt(record.id, requestID: "att-1", at: T.t0 + 1)
            _ = try await store.recordAttempt(record.id, requestID: "att-2", at: T.t0 + 2)
            try await store.recordAttemptResult(
                record.id,
                attempt: 1,
                outcome: .notSent,
                status: nil,
                detail: "couldnt_connect",
                at: T.t0 + 3
            )
            try await store.recordAttemptResult(
                record.id,
                attempt: 2,
                outcome: .answered,
                status: 201,
                detail: nil,
                at: T.t0 + 4
            )
            let stored = try #require(try await store.record(record.id))
            #expect(
                stored.attempts == [
                    AttemptRecord(
                        number: 1,
                        requestID: "att-1",
                        recordedAt: T.t0 + 1,
                        outcome: .notSent,
                        detail: "couldnt_connect",
                        finishedAt: T.t0 + 3
                    ),
                    AttemptRecord(
                        number: 2,
                        requestID: "att-2",
                        recordedAt: T.t0 + 2,
                        outcome: .answered,
                        status: 201,
                        finishedAt: T.t0 + 4
                    ),
                ]
            )
            #expect(stored.updatedAt == T.t0 + 4)
        }
    }

    @Test(arguments: StoreBackend.allCases) func missingRecordOrAttemptIsNotFound(_ backend: StoreBackend) async throws
    {
        try await T.withStore(backend) { store, _ in
            let missing = ReplayRecordID(principal: "alice", key: "nope")
            do throws(StoreError) {
                _ = try await store.recordAttempt(missing, requestID: "att-1", at: T.t0)
                Issue.record("an attempt was recorded for a record that does not exist")
            } catch {
                #expect(error.code == .notFound)
            }
            let record = try await T.create(T.record(), in: store)
            do throws(StoreError) {
                try await store.recordAttemptResult(
                    record.id,
                    attempt: 1,
                    outcome: .answered,
                    status: 201,
                    detail: nil,
                    at: T.t0
                )
                Issue.record("a result for an attempt that was never recorded was stored")
            } catch {
                #expect(error.code == .notFound)
            }
            #expect(try await store.record(record.id)?.updatedAt == T.t0)
        }
    }

    @Test(arguments: StoreBackend.allCases) func requestIDsAreUniqueAcrossRecords(_ backend: StoreBackend) async throws
    {
        try await T.withStore(backend) { store, _ in
            let a = try await T.create(T.record(key: "a"), in: store)
            let b = try await T.create(T.record(key: "b"), in: store)
            _ = try await store.recordAttempt(a.id, requestID: "att-1", at: T.t0)
            do throws(StoreError) {
                _ = try await store.recordAttempt(b.id, requestID: "att-1", at: T.t0 + 1)
                Issue.record("a request id was recorded twice")
            } catch {
                #expect(error.code == .io)
                #expect(error.message.contains("att-1"))
            }
            let untouched = try #require(try await store.record(b.id))
            #expect(untouched.attempts.isEmpty)
            #expect(untouched.state == .pending)
        }
    }

    @Test(arguments: StoreBackend.allCases) func recordIsFoundByAttemptRequestID(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            let a = try await T.create(T.record(principal: "alice", key: "a"), in: store)
            let b = try await T.create(T.record(principal: "bob", key: "b"), in: store)
            _ = try await store.recordAttempt(a.id, requestID: "att-a", at: T.t0)
            _ = try await store.recordAttempt(b.id, requestID: "att-b1", at: T.t0)
            _ = try await store.recordAttempt(b.id, requestID: "att-b2", at: T.t0 + 1)

            let found = try #require(try await store.record(forAttemptRequestID: "att-b1"))
            #expect(found.id == b.id)
            #expect(found.attempts.map(\.requestID) == ["att-b1", "att-b2"])
            #expect(try await store.record(forAttemptRequestID: "att-a")?.id == a.id)
            #expect(try await store.record(forAttemptRequestID: "unknown") == nil)
        }
    }
}

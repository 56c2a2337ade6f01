import GRDB
import Testing

@testable import ReplayCore

/// `update`, the listings, and `prune`.
@Suite struct StoreRecordTests {
    typealias T = StoreTesting

    @Test(arguments: StoreBackend.allCases) func updateSetsNamedFieldsAndUpdatedAt(_ backend: StoreBackend) async throws
    {
        try await T.withStore(backend) { store, _ in
            let record = try await T.create(T.record(), in: store)
            let change = RecordChange(
                state: .reconciling,
                nextActionAt: T.t0 + 10,
                reconcileDeadline: T.t0 + 20,
                projectID: "proj_1",
                newRunID: "run_new",
                responseStatus: 201,
                responseBody: [1, 2, 3],
                errorCode: "timeout",
                errorMessage: "no answer",
                resolution: "checked"
            )
            let updated = try await store.update(record.id, at: T.t0 + 5, change)
            var expected = record
            expected.state = .reconciling
            expected.updatedAt = T.t0 + 5
            expected.nextActionAt = T.t0 + 10
            expected.reconcileDeadline = T.t0 + 20
            expected.projectID = "proj_1"
            expected.newRunID = "run_new"
            expected.responseStatus = 201
            expected.responseBody = [1, 2, 3]
            expected.errorCode = "timeout"
            expected.errorMessage = "no answer"
            expected.resolution = "checked"
            #expect(updated == expected)
            #expect(try await store.record(record.id) == expected)

            // Nil fields are left alone.
            let touched = try await store.update(record.id, at: T.t0 + 6, RecordChange())
            expected.updatedAt = T.t0 + 6
            #expect(touched == expected)
        }
    }

    @Test(arguments: StoreBackend.allCases) func updateClearsOnlyNamedNilFields(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            let record = try await T.create(T.record(), in: store)
            let full = RecordChange(nextActionAt: 1, reconcileDeadline: 2, errorCode: "E", errorMessage: "M")
            try await store.update(record.id, at: T.t0 + 1, full)

            let cleared = try await store.update(
                record.id,
                at: T.t0 + 2,
                RecordChange(reconcileDeadline: 9, clear: [.nextActionAt, .reconcileDeadline, .errorCode])
            )
            #expect(cleared.nextActionAt == nil)
            #expect(cleared.reconcileDeadline == 9)  // a value given wins over `clear`
            #expect(cleared.errorCode == nil)
            #expect(cleared.errorMessage == "M")

            let all = try await store.update(
                record.id,
                at: T.t0 + 3,
                RecordChange(clear: [.reconcileDeadline, .errorMessage])
            )
            #expect(all.reconcileDeadline == nil && all.errorMessage == nil)
        }
    }

    /// Drivers keep their record in memory: what `applying`, `recordingAttempt` and `finishingAttempt` compute must
    /// be exactly what the store holds afterwards, change after change.
    @Test(arguments: StoreBackend.allCases) func theRecordComputedInMemoryIsTheRecordStored(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            var record = try await T.create(T.record(), in: store)
            let changes: [RecordChange] = [
                RecordChange(state: .pending, nextActionAt: T.t0 + 9, errorCode: "e", errorMessage: "m"),
                RecordChange(projectID: "proj_1", clear: [.nextActionAt, .errorCode]),
                RecordChange(state: .reconciling, reconcileDeadline: T.t0 + 50, clear: [.errorMessage]),
                RecordChange(nextActionAt: T.t0 + 70, reconcileDeadline: T.t0 + 60, clear: [.nextActionAt]),
                RecordChange(clear: [.reconcileDeadline, .nextActionAt, .errorCode, .errorMessage]),
                RecordChange(
                    state: .succeeded,
                    newRunID: "run_new",
                    responseStatus: 201,
                    responseBody: Array("{}".utf8),
                    resolution: "ok"
                ),
            ]
            for (index, change) in changes.enumerated() {
                let time = T.t0 + Int64(index + 1) * 100
                if index == 1 {
                    record = try await store.recordAttempt(record, requestID: "rq_mem-1", at: time)
                    record = try await store.finishAttempt(
                        record,
                        attempt: 1,
                        outcome: .answered,
                        status: 503,
                        detail: "unavailable",
                        at: time + 1,
                        change
                    )
                } else {
                    record = try await store.update(record, at: time, change)
                }
                let stored = try await store.record(record.id)
                #expect(stored == record, "after change \(index)")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func updateOfAMissingRecordIsNotFound(_ backend: StoreBackend) async throws
    {
        try await T.withStore(backend) { store, _ in
            do throws(StoreError) {
                try await store.update(ReplayRecordID(principal: "a", key: "b"), at: T.t0, RecordChange(state: .failed))
                Issue.record("updated a record that does not exist")
            } catch {
                #expect(error.code == .notFound)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func unfinishedAreOldestFirstAndOnlyNotFinal(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let states: [(String, Int64, ReplayState)] = [
                ("late-pending", 50, .pending),
                ("succeeded", 10, .succeeded),
                ("early-reconciling", 20, .reconciling),
                ("failed", 5, .failed),
                ("mid-in-flight", 30, .inFlight),
                ("indeterminate", 1, .indeterminate),
                ("tie-pending", 30, .pending),
            ]
            for (key, created, state) in states {
                let record = try await T.create(T.record(key: key, createdAt: T.t0 + created), in: store)
                try await store.update(record.id, at: T.t0 + 100, RecordChange(state: state))
            }
            let keys = try await store.unfinished(limit: 10).map(\.key)
            #expect(keys == ["early-reconciling", "mid-in-flight", "tie-pending", "late-pending"])
            #expect(try await store.unfinished(limit: 2).map(\.key) == ["early-reconciling", "mid-in-flight"])
            #expect(try await store.unfinished(limit: 0).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases) func recordsAreFilteredByStateAndPrincipalNewestFirst(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let rows: [(String, String, Int64, ReplayState)] = [
                ("alice", "a1", 1, .succeeded),
                ("alice", "a2", 2, .failed),
                ("alice", "a3", 3, .pending),
                ("bob", "b1", 4, .succeeded),
                ("alice", "a4", 5, .succeeded),
            ]
            for (principal, key, created, state) in rows {
                let record = T.record(principal: principal, key: key, createdAt: T.t0 + created)
                try await T.create(record, in: store)
                try await store.update(record.id, at: T.t0 + 10, RecordChange(state: state))
            }
            let final: Set<ReplayState> = [.succeeded, .failed]
            #expect(
                try await store.records(in: final, principal: nil, limit: 10).map(\.key) == ["a4", "b1", "a2", "a1"]
            )
            #expect(try await store.records(in: final, principal: "alice", limit: 10).map(\.key) == ["a4", "a2", "a1"])
            #expect(try await store.records(in: final, principal: "alice", limit: 1).map(\.key) == ["a4"])
            #expect(try await store.records(in: [.pending], principal: "bob", limit: 10).isEmpty)
            #expect(try await store.records(in: [], principal: nil, limit: 10).isEmpty)
            #expect(try await store.records(in: final, principal: nil, limit: 0).isEmpty)
        }
    }

    /// A pass deletes in commits of at most `pruneChunk` records, and all of them in the end: here two full
    /// chunks and a partial one, with a fresh record and an unfinished old one left alone.
    @Test(arguments: StoreBackend.allCases)
    func pruneDeletesInChunksUntilNothingOldIsLeft(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            let chunk = backend == .sqlite ? SQLiteReplayStore.pruneChunk : PostgresReplayStore.pruneChunk
            let old = 2 * chunk + 7
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<old {
                    group.addTask {
                        let record = try await T.create(T.record(key: "old-\(index)", createdAt: T.t0), in: store)
                        _ = try await store.update(record, at: T.t0, RecordChange(state: .succeeded))
                    }
                }
                try await group.waitForAll()
            }
            let pending = try await T.create(T.record(key: "old-pending", createdAt: T.t0), in: store)
            let fresh = try await T.create(T.record(key: "fresh", createdAt: T.t0 + T.hour), in: store)
            _ = try await store.update(fresh, at: T.t0 + T.hour, RecordChange(state: .failed))
            #expect(try await store.prune(updatedBefore: T.t0 + 1) == old)
            #expect(try await store.record(pending.id) != nil)
            #expect(try await store.record(fresh.id) != nil)
            #expect(try await store.record(ReplayRecordID(principal: "alice", key: "old-0")) == nil)
        }
    }

    @Test func pruneDeletesOnlyOldFinishedRecordsAndTheirAttempts() async throws {
        try await T.withStore { store, _ in
            let cutoff = T.t0 + 1_000
            let rows: [(String, Int64, ReplayState)] = [
                ("old-succeeded", cutoff - 1, .succeeded),
                ("old-failed", cutoff - 500, .failed),
                ("old-indeterminate", cutoff - 1, .indeterminate),
                ("old-pending", cutoff - 1, .pending),
                ("old-in-flight", cutoff - 1, .inFlight),
                ("old-reconciling", cutoff - 1, .reconciling),
                ("edge-succeeded", cutoff, .succeeded),
                ("new-failed", cutoff + 1, .failed),
            ]
            for (key, updated, state) in rows {
                let record = try await T.create(T.record(key: key), in: store)
                _ = try await store.recordAttempt(record.id, requestID: "att-\(key)", at: T.t0)
                try await store.update(record.id, at: updated, RecordChange(state: state))
            }
            #expect(try await store.prune(updatedBefore: cutoff) == 3)

            var remaining: [String] = []
            for (key, _, _) in rows {
                if try await store.record(ReplayRecordID(principal: "alice", key: key)) != nil {
                    remaining.append(key)
                }
            }
            #expect(remaining == ["old-pending", "old-in-flight", "old-reconciling", "edge-succeeded", "new-failed"])
            #expect(try await store.record(forAttemptRequestID: "att-old-succeeded") == nil)
            let attemptCount = try await store.withWriterConnection { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM attempts")
            }
            #expect(attemptCount == 5)
            #expect(try await store.prune(updatedBefore: cutoff) == 0)
        }
    }
}

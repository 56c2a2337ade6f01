import GRDB
import Synchronization
import Testing

@testable import ReplayCore

/// `SQLiteReplayStore.prune(updatedBefore:sizer:observe:)`: batches within the sizer's sizes, every old finished
/// record deleted whatever the batches took, and the batch query on `replays_updated`.
@Suite struct StorePruneBatchTests {
    typealias T = StoreTesting

    @Test func aPassDeletesEveryOldFinishedRecordInBatchesNoLargerThanTheSizerAllows() async throws {
        try await T.withStore { store, _ in
            let old = 23
            for index in 0..<old {
                let record = try await T.create(T.record(key: "old-\(index)", requestID: "req-old-\(index)"), in: store)
                _ = try await store.update(record, at: T.t0, RecordChange(state: index % 2 == 0 ? .succeeded : .failed))
            }
            let pending = try await T.create(T.record(key: "old-pending", requestID: "req-pending"), in: store)
            let fresh = try await T.create(T.record(key: "fresh", requestID: "req-fresh"), in: store)
            _ = try await store.update(fresh, at: T.t0 + T.hour, RecordChange(state: .succeeded))

            let reports = Reports()
            let sizer = PruneBatchSizer(initial: 4, minimum: 1, maximum: 8, restRatio: 0)
            let deleted = try await store.prune(updatedBefore: T.t0 + 1, sizer: sizer) { report in
                reports.append(report)
            }
            #expect(deleted == old)
            let batches = reports.all
            #expect(batches.map(\.deleted).reduce(0, +) == old)
            #expect(batches.first?.limit == 4)
            #expect(batches.allSatisfy { (1...8).contains($0.limit) && $0.deleted <= $0.limit })
            #expect(batches.dropLast().allSatisfy { $0.deleted == $0.limit }, "only a short batch ends the pass")
            #expect(batches.last.map { $0.deleted < $0.limit } == true)
            #expect(batches.allSatisfy { $0.held >= .zero && $0.statement >= .zero })
            #expect(try await store.record(pending.id) != nil)
            #expect(try await store.record(fresh.id) != nil)
            #expect(try await store.prune(updatedBefore: T.t0 + 1) == 0)
        }
    }

    @Test func aFixedSizerDeletesInItsSizeAsBefore() async throws {
        try await T.withStore { store, _ in
            for index in 0..<7 {
                let record = try await T.create(T.record(key: "old-\(index)", requestID: "req-old-\(index)"), in: store)
                _ = try await store.update(record, at: T.t0, RecordChange(state: .indeterminate))
            }
            let reports = Reports()
            let deleted = try await store.prune(updatedBefore: T.t0 + 1, sizer: .fixed(3)) { reports.append($0) }
            #expect(deleted == 7)
            #expect(reports.all.map(\.deleted) == [3, 3, 1])
            #expect(reports.all.map(\.limit) == [3, 3, 3])
        }
    }

    @Test func theBatchQueryReadsTheUpdatedAtIndexNotEveryFinishedRecord() async throws {
        try await T.withStore { store, _ in
            let plan = try await store.withWriterConnection { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteReplayStore.pruneBatchSQL, arguments: [0, 1])
                    .map { $0["detail"] as String? ?? "" }
            }
            #expect(plan.contains { $0.contains("USING INDEX replays_updated (updated_at<?)") }, "\(plan)")
            #expect(!plan.contains { $0.contains("replays_state") }, "\(plan)")
        }
    }

    /// The batches a pass reported, in order.
    private final class Reports: Sendable {
        private let values = Mutex<[PruneBatchReport]>([])
        var all: [PruneBatchReport] { values.withLock { $0 } }
        func append(_ report: PruneBatchReport) { values.withLock { $0.append(report) } }
    }
}

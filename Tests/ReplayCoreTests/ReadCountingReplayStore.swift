import Synchronization

@testable import ReplayCore

/// A ``ReplayStore`` that forwards everything to `base` and counts the reads of one record by id
/// (``record(_:)``): what a test of "no read-backs" counts.
final class ReadCountingReplayStore: ReplayStoreForwarding {
    let base: any ReplayStore
    private let reads = Atomic(0)

    init(_ base: any ReplayStore) {
        self.base = base
    }

    /// How many times ``record(_:)`` was called.
    var recordReads: Int { reads.load(ordering: .relaxed) }

    func record(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord? {
        reads.add(1, ordering: .relaxed)
        return try await base.record(id)
    }
}

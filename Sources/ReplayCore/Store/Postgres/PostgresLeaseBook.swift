import Synchronization

/// The leases one ``PostgresReplayStore`` holds, as far as it knows: the fencing token of each record it drives.
/// A write of a record reads its token here and is fenced by it; the book changes only after a commit (a claim, a
/// takeover, a write that finished the record), or when the lease is found lost.
///
/// A lost lease leaves its token behind (until this instance takes the record again): a late write of the
/// driver that held it still carries that token and fails, even once the record is final and has no lease.
final class PostgresLeaseBook: Sendable {
    private struct State {
        var held: [ReplayRecordID: Int64] = [:]
        var lost: [ReplayRecordID: Int64] = [:]
        /// Losses a write found (not a renewal): the next renewal reports them, so each loss is audited once.
        var unreported: [ReplayRecordID: Int64] = [:]
        var reclaimed = false
    }

    private let state = Mutex(State())

    /// The token a write of `id` carries: the one held, or the one lost; `nil` when this instance never held it.
    func fence(_ id: ReplayRecordID) -> Int64? {
        state.withLock { $0.held[id] ?? $0.lost[id] }
    }

    /// Records the lease of `id` with `fence`, or forgets it (`nil`: the record is final, or was released).
    func set(_ id: ReplayRecordID, fence: Int64?) {
        state.withLock { state in
            state.held[id] = fence
            state.lost[id] = nil
            state.unreported[id] = nil
        }
    }

    /// Marks the lease of `id` lost if it is still held with `fence`. `reported` is `false` when a write found the
    /// loss: the next renewal then reports it (``takeUnreported()``), as it reports the losses it finds itself.
    func lose(_ id: ReplayRecordID, fence: Int64?, reported: Bool = true) {
        state.withLock { state in
            guard let fence, state.held[id] == fence else { return }
            state.held[id] = nil
            state.lost[id] = fence
            if !reported { state.unreported[id] = fence }
        }
    }

    /// The losses writes found and no renewal has reported yet, with the tokens they were held with.
    var unreported: [ReplayRecordID: Int64] { state.withLock { $0.unreported } }

    /// Marks these losses reported (a renewal reported them, or found their records gone).
    func reported(_ ids: some Sequence<ReplayRecordID>) {
        state.withLock { state in
            for id in ids { state.unreported[id] = nil }
        }
    }

    /// Forgets the lease of `id` if it is still held with `fence` (the record ended, or is gone).
    func forget(_ id: ReplayRecordID, fence: Int64) {
        state.withLock { state in
            if state.held[id] == fence { state.held[id] = nil }
        }
    }

    /// Every lease held.
    var snapshot: [ReplayRecordID: Int64] { state.withLock { $0.held } }

    /// How many leases are held.
    var count: Int { state.withLock { $0.held.count } }

    /// `true` once, for the first caller: that one reclaims the instance's leases left by an earlier process.
    func beginReclaim() -> Bool {
        state.withLock { state in
            defer { state.reclaimed = true }
            return !state.reclaimed
        }
    }

    /// Lets the next ``beginReclaim()`` run again (the reclaim failed).
    func reclaimFailed() {
        state.withLock { $0.reclaimed = false }
    }
}

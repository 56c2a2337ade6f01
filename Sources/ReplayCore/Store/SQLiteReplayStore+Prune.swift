import GRDB

extension SQLiteReplayStore {
    /// The most records one pruning transaction deletes (the sizer's ceiling): a pass is many small commits, each a
    /// write among the others, so that replays never wait behind one long delete.
    static let pruneChunk = 500

    /// One batch: the oldest prunable records, through `replays_updated`. `INDEXED BY`, because without statistics
    /// the planner takes `replays_state` for `state IN (…)` and then reads every finished record in the store to
    /// find the old ones, which took 0.9 s with a million of them on the writer, in every pass, even one that
    /// deletes nothing.
    static let pruneBatchSQL = """
        DELETE FROM replays WHERE rowid IN (
            SELECT rowid FROM replays INDEXED BY replays_updated
            WHERE updated_at < ?1 AND state IN (\(prunableStates))
            LIMIT ?2
        )
        """

    /// The WAL checkpoints made so far off the writer, and by it (for benchmarks).
    public var checkpoints: SQLiteCheckpointCounts { database.checkpointer.counts }

    /// See `ReplayStore.prune`. Attempts go with their record (`ON DELETE CASCADE`). Deletes in batches sized by
    /// the default ``PruneBatchSizer`` (about 4 ms on the writer each, at most ``pruneChunk`` records), resting
    /// between them.
    public func prune(updatedBefore cutoff: Int64) async throws(StoreError) -> Int {
        try await prune(updatedBefore: cutoff, sizer: PruneBatchSizer(), observe: nil)
    }

    /// Deletes final and indeterminate records last changed before `cutoff` in batches sized by `sizer`, each its
    /// own write in the group commit, resting between them as long as `sizer` says (a cancelled task no longer
    /// rests, and finishes the pass). `observe` sees every batch, as measured on the writer.
    ///
    /// A batch is ``SQLiteGroupCommit/Durability/withNextSync``: alone in its commit it holds the writer only for
    /// its `DELETE`, not for a sync as well. A write that depends on a record being gone (a new claim of its key) is
    /// a synced commit after the batch, which takes the batch to disk with it; a batch that a power cut loses before
    /// any synced commit only brings back records that the next pass deletes again.
    ///
    /// - Returns: how many records were deleted.
    public func prune(
        updatedBefore cutoff: Int64,
        sizer: PruneBatchSizer,
        observe: (@Sendable (PruneBatchReport) -> Void)?
    ) async throws(StoreError) -> Int {
        var sizer = sizer
        var deleted = 0
        var batches = 0
        var longest = Duration.zero
        while true {
            let limit = sizer.size
            let (result, held) = try await database.timedWrite(
                "pruning records updated before \(cutoff)",
                durability: .withNextSync
            ) { db in
                let clock = ContinuousClock()
                let started = clock.now
                try db.cachedStatement(sql: Self.pruneBatchSQL).execute(arguments: [cutoff, limit])
                return (db.changesCount, clock.now - started)
            }
            let report = PruneBatchReport(deleted: result.0, limit: limit, held: held, statement: result.1)
            observe?(report)
            deleted += report.deleted
            batches += 1
            longest = max(longest, held)
            if report.deleted < limit { break }
            let rest = sizer.record(held: held)
            if rest > .zero, !Task.isCancelled { try? await Task.sleep(for: rest) }
        }
        if deleted > 0 {
            logger.debug(
                "prune pass",
                metadata: [
                    "deleted": "\(deleted)", "batches": "\(batches)",
                    "longest_batch_ms": "\((longest / .microseconds(1)).rounded() / 1000)",
                ]
            )
        }
        return deleted
    }
}

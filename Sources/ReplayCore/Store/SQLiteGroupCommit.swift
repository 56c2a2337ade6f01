import GRDB
import Synchronization

/// Group commit for one SQLite file: every write asked for while the previous commit was being made (and synced)
/// runs in the next transaction, so concurrent replays share one `fsync` instead of taking one each.
///
/// - **One transaction per batch, one savepoint per write.** A write that throws (a record that does not exist, a
///   duplicate request id) rolls back its own savepoint and fails alone; the others in its batch commit. A failed
///   `COMMIT` (a full disk, an I/O error) fails every write of the batch, and none of them is applied.
/// - **Order.** Writes run in the order they were submitted: a driver's later change never overtakes its earlier
///   one, and a claim submitted after an outcome sees it.
/// - **Synced, or on disk with the next sync.** A batch is committed with `synchronous = FULL` (its WAL frames
///   are `fsync`ed before the commit returns) when any of its writes is ``Durability/synced``. A batch of
///   ``Durability/withNextSync`` writes only is committed with `synchronous = NORMAL`: it is visible at once and
///   survives the process being killed (its frames are in the page cache), and it reaches the disk with the next
///   synced commit, because that commit's `fsync` of the WAL covers every frame before its own (or with the next
///   checkpoint, which syncs the WAL first). A write that nothing is acted on before a later synced write of the
///   same file (a webhook delivery's dedup claim, made just before the replay's own claim) needs no sync of its
///   own.
/// - **Off the cooperative pool.** Batches run on GRDB's writer queue (a dispatch queue of its own), where the
///   commit's `fsync` blocks only that queue. A caller awaits a continuation, which a cancelled task cannot abandon:
///   a write, once submitted, always either commits or fails with a real error.
final class SQLiteGroupCommit: Sendable {
    /// One write waiting for its batch: `run` applies it inside the batch's transaction and returns what to do once
    /// the batch has committed (`nil`) or failed to (the error); `fail` answers a write whose batch failed before it
    /// could run.
    struct Write: Sendable {
        let run: @Sendable (Database) -> @Sendable ((any Error)?) -> Void
        let fail: @Sendable (any Error) -> Void
        var durability: Durability = .synced
    }

    /// When a write must be on disk.
    enum Durability: Sendable, Hashable {
        /// Before its caller hears that it committed: the batch's commit `fsync`s the WAL.
        case synced
        /// With the next synced commit of the file (or the next checkpoint): its caller hears once it committed.
        case withNextSync
    }

    private struct State {
        var queued: [Write] = []
        var draining = false
        /// The writer connection's `synchronous` setting: `true` for FULL (as `SQLiteDatabase` opens it).
        var synchronousFull = true
    }

    private let state = Mutex(State())
    private let pool: DatabasePool
    private let maxBatch: Int

    /// Creates the group commit for `pool`'s writer; a batch takes at most `maxBatch` writes.
    init(pool: DatabasePool, maxBatch: Int = 512) {
        self.pool = pool
        self.maxBatch = max(1, maxBatch)
    }

    /// Queues `write` for the next batch, and starts draining the queue unless a drain is already running.
    func submit(_ write: Write) {
        let startDrain = state.withLock { state -> Bool in
            state.queued.append(write)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        guard startDrain else { return }
        pool.asyncWriteWithoutTransaction { [self] db in drain(db) }
    }

    /// Commits batches until the queue is empty.
    private func drain(_ db: Database) {
        while true {
            let batch = state.withLock { state -> [Write] in
                guard !state.queued.isEmpty else {
                    state.draining = false
                    return []
                }
                let count = min(maxBatch, state.queued.count)
                let batch = Array(state.queued.prefix(count))
                state.queued.removeFirst(count)
                return batch
            }
            guard !batch.isEmpty else { return }
            commit(batch, db)
        }
    }

    private func commit(_ batch: [Write], _ db: Database) {
        var completions: [@Sendable ((any Error)?) -> Void] = []
        completions.reserveCapacity(batch.count)
        let synced = batch.contains { $0.durability == .synced }
        do {
            try setSynchronous(full: synced, db)
        } catch {
            // A batch that must be synced and cannot be fails whole, with nothing applied. One that need not be
            // is still synced (the setting stayed FULL), which costs time but is never wrong.
            if synced {
                for write in batch { write.fail(error) }
                return
            }
        }
        do {
            try db.inTransaction(.immediate) {
                for write in batch { completions.append(write.run(db)) }
                return .commit
            }
        } catch {
            // Writes that ran before the failure are rolled back with the transaction; the rest never ran.
            for completion in completions { completion(error) }
            for write in batch.dropFirst(completions.count) { write.fail(error) }
            return
        }
        for completion in completions { completion(nil) }
    }

    /// Sets the writer's `synchronous` to FULL or NORMAL for the next transaction (outside one, as SQLite
    /// requires), when it is not already.
    private func setSynchronous(full: Bool, _ db: Database) throws {
        guard state.withLock({ $0.synchronousFull }) != full else { return }
        try db.cachedStatement(sql: full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").execute()
        state.withLock { $0.synchronousFull = full }
    }
}

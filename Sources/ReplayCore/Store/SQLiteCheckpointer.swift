import GRDB
import GRDBSQLite
import Synchronization

/// Checkpoints one SQLite file's WAL on a connection of its own, so that the writer, which every replay's commit
/// waits for, does not copy pages into the database file and `fsync` it after its commits.
///
/// SQLite's own automatic checkpoint runs on the connection that committed, right after the commit that took the
/// WAL past 1,000 pages, while every write queued behind it waits. Under load that is a pause of tens of
/// milliseconds every few hundred commits (66 ms at worst during a retention pass). Here, instead:
///
/// - **The writer only counts.** ``install(on:)`` replaces the writer's automatic checkpoint with a WAL hook,
///   which SQLite calls after each commit with the WAL's size in pages. Once ``Limits/pages`` more pages have been
///   written since the last checkpoint, the hook schedules one here and returns.
/// - **A passive checkpoint on another connection.** It copies the WAL's pages into the database file and syncs it
///   on this type's own queue (a dispatch queue, off the cooperative pool), while the writer goes on committing.
///   It waits for no reader or writer; it copies what it can.
/// - **The WAL stays bounded.** SQLite starts the WAL over only after a checkpoint copied all of it. With commits
///   arriving all the time, one on another connection rarely does, so the WAL would keep growing. Once it reaches
///   ``Limits/maximumPages``, the writer checkpoints itself after its commit, as SQLite would have: only the
///   pages the checkpoints here did not copy yet, so that the next commit starts the WAL over. To keep that little,
///   the checkpoints here run back to back while the WAL is over half its maximum.
///
/// Durability is unchanged: a checkpoint syncs the WAL before it copies from it, and the database file after.
final class SQLiteCheckpointer: Sendable {
    /// When to checkpoint.
    struct Limits: Sendable, Equatable {
        /// Schedule a checkpoint once this many pages have been written to the WAL since the last one (SQLite's
        /// own automatic checkpoint uses 1,000).
        var pages = 1_000
        /// The writer checkpoints itself after a commit that leaves the WAL at least this many pages long: 16 MiB
        /// with SQLite's 4 KiB pages.
        var maximumPages = 4_096
    }

    private struct State {
        /// The WAL's size in pages after the last checkpoint was scheduled (0 after the WAL started over).
        var mark = 0
        var scheduled = false
        var counts = SQLiteCheckpointCounts()
        /// Callers of ``settled()`` waiting for the scheduled checkpoint.
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The installed hook's context, retained for the hook.
        var hook: Unmanaged<SQLiteCheckpointerHookContext>?
    }

    let limits: Limits
    private let connection: DatabaseQueue
    private let state = Mutex(State())

    /// Opens the checkpointer's own connection to the WAL database at `path` (which the writer has opened and
    /// checked against the trust model already).
    init(path: String, limits: Limits = Limits(), configuration: Configuration) throws {
        var configuration = configuration
        configuration.label = "replayd checkpointer"
        configuration.busyMode = .timeout(5)
        self.limits = Limits(pages: max(1, limits.pages), maximumPages: max(1, limits.maximumPages))
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// What it has done so far.
    var counts: SQLiteCheckpointCounts { state.withLock { $0.counts } }

    /// Replaces `db`'s automatic checkpoint (the writer's) with this checkpointer's hook. The hook refers to the
    /// checkpointer weakly, and does nothing once it is gone; ``uninstall(from:)`` frees the hook's context.
    func install(on db: Database) {
        guard let handle = db.sqliteConnection else { return }
        let context = Unmanaged.passRetained(SQLiteCheckpointerHookContext(self))
        let replaced = state.withLock { state in
            defer { state.hook = context }
            return state.hook
        }
        sqlite3_wal_hook(handle, sqliteCheckpointerHook, context.toOpaque())
        replaced?.release()
    }

    /// Removes the hook from `db`, which then checkpoints nothing itself until it is closed (closing the last
    /// connection checkpoints the WAL).
    func uninstall(from db: Database) {
        guard let handle = db.sqliteConnection else { return }
        sqlite3_wal_hook(handle, nil, nil)
        let installed = state.withLock { state in
            defer { state.hook = nil }
            return state.hook
        }
        installed?.release()
    }

    /// Closes the checkpointer's connection, after a checkpoint in progress.
    func close() throws {
        try connection.close()
    }

    /// Returns once no checkpoint is scheduled or running here.
    func settled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                guard state.scheduled else { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Called by the writer's WAL hook after each commit, with the WAL's size in pages: schedules a checkpoint
    /// here when enough has been written since the last, and returns whether the writer must checkpoint now.
    fileprivate func committed(walPages pages: Int) -> Bool {
        let (schedule, onWriter) = state.withLock { state -> (Bool, Bool) in
            if pages < state.mark { state.mark = 0 }
            if pages >= limits.maximumPages {
                state.counts.onWriter += 1
                state.mark = 0
                return (false, true)
            }
            guard !state.scheduled, pages - state.mark >= limits.pages else { return (false, false) }
            state.scheduled = true
            state.mark = pages
            return (true, false)
        }
        if schedule { connection.asyncWriteWithoutTransaction { [self] db in checkpoint(db) } }
        return onWriter
    }

    /// Runs passive checkpoints: one, or, while the WAL is over half its maximum, more back to back, for as long as
    /// each copies more than the last (a reader on an old snapshot stops them), so that a writer's checkpoint at the
    /// maximum has little left to copy.
    private func checkpoint(_ db: Database) {
        let clock = ContinuousClock()
        var copied = -1
        var walPages = 0
        while true {
            let started = clock.now
            let result = try? db.checkpoint(.passive)
            let took = clock.now - started
            state.withLock { state in
                guard result != nil else {
                    state.counts.failed += 1
                    return
                }
                state.counts.background += 1
                state.counts.backgroundTime += took
                state.counts.longestBackground = max(state.counts.longestBackground, took)
            }
            guard let result else { break }
            walPages = result.walFrameCount
            guard
                result.walFrameCount * 2 >= limits.maximumPages,
                result.checkpointedFrameCount < result.walFrameCount,
                result.checkpointedFrameCount > copied
            else { break }
            copied = result.checkpointedFrameCount
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.mark = max(state.mark, walPages)
            state.scheduled = false
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// The writer's WAL hook (`sqlite3_wal_hook`): C calls it after each commit, on the writer's queue.
private func sqliteCheckpointerHook(
    context: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    database: UnsafePointer<CChar>?,
    pages: Int32
) -> Int32 {
    guard
        let context,
        let checkpointer = Unmanaged<SQLiteCheckpointerHookContext>.fromOpaque(context).takeUnretainedValue()
            .checkpointer
    else { return SQLITE_OK }
    if checkpointer.committed(walPages: Int(pages)) {
        // What SQLite's automatic checkpoint would do; its result only decides whether the WAL starts over.
        _ = sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
    return SQLITE_OK
}

/// What the writer's WAL hook is given: the checkpointer, weakly, so that a store dropped without being closed
/// does not keep its checkpointer's connection open.
final class SQLiteCheckpointerHookContext: Sendable {
    weak let checkpointer: SQLiteCheckpointer?

    init(_ checkpointer: SQLiteCheckpointer) {
        self.checkpointer = checkpointer
    }
}

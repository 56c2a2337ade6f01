import Logging
import PostgresNIO
import Synchronization

/// Group commit for the PostgreSQL store: every write asked for while the previous batch was being committed runs
/// in the next transaction, on one connection, so concurrent replays share one commit (one WAL flush) instead of
/// taking one each. The same semantics as ``SQLiteGroupCommit``:
///
/// - **One transaction per batch, one savepoint per write.** A write that throws (a record that does not exist, a
///   duplicate request id) rolls back to its own savepoint and fails alone; the others in its batch commit. A
///   failed `COMMIT` (the server went away, a full disk) fails every write of the batch, and none is applied.
/// - **Retry on conflict with another instance.** When a write of the batch hits a deadlock or a serialization
///   failure (another instance's transaction holds what this batch needs, and PostgreSQL chose this one to
///   abort), the whole batch is rolled back and run again, a few times, before its writes fail.
/// - **Lanes.** Up to four batches are committed at once, each on a connection of its own, so one batch's round
///   trips and flush overlap with the next's. A caller waits for its write's commit, so a write made after another
///   returned always sees it; writes in flight together have no order (as between two instances).
/// - **A lone write** (a batch of one) runs without a savepoint; if it fails, its transaction is rolled back.
/// - **Structured.** Batches are committed by ``run(client:)``, which the store's service runs in its task group;
///   a write submitted when it is not running (before start, after shutdown) fails with `unavailable`. A caller
///   awaits a continuation, which a cancelled task cannot abandon: once submitted, a write commits or fails.
final class PostgresGroupCommit: Sendable {
    /// One write waiting for its batch: `run` applies it inside the batch's transaction and returns what to do
    /// once the batch has committed (`nil`) or failed to (the error); `fail` answers a write whose batch failed
    /// before it could run.
    struct Write: Sendable {
        /// `savepoint`: run inside a savepoint of its own (a batch of several writes); a lone write's batch is
        /// rolled back instead when it fails.
        let run: @Sendable (_ connection: PostgresConnection, _ logger: Logger, _ savepoint: Bool) async -> Applied
        let fail: @Sendable (any Error) -> Void
    }

    /// What a write did in its batch.
    struct Applied: Sendable {
        /// The write hit a deadlock or serialization failure: the batch is run again.
        var conflicted: Bool
        /// The write failed (and its own effects were rolled back, or must be).
        var failed: Bool
        /// Answers the write once the batch's outcome is known.
        var complete: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var queued: [Write] = []
        var running = false
        var stopped = false
        /// Idle committer lanes waiting for a write.
        var idle: [CheckedContinuation<Void, Never>] = []
        /// Readers waiting for the committer (and so the client) to run: resumed with whether it runs.
        var waitingForStart: [CheckedContinuation<Bool, Never>] = []
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let lanes: Int
    private let maxConflictRetries: Int
    private let logger: Logger

    /// Creates the group commit; a batch takes at most `maxBatch` writes.
    init(maxBatch: Int = 256, lanes: Int = 4, maxConflictRetries: Int = 5, logger: Logger) {
        self.maxBatch = max(1, maxBatch)
        self.lanes = max(1, lanes)
        self.maxConflictRetries = max(0, maxConflictRetries)
        self.logger = logger
    }

    /// Queues `write` for the next batch, or fails it at once when the committer has stopped.
    func submit(_ write: Write) {
        enum Action {
            case none
            case wake(CheckedContinuation<Void, Never>)
            case fail
        }
        let action = state.withLock { state -> Action in
            guard !state.stopped else { return .fail }
            state.queued.append(write)
            return state.idle.isEmpty ? .none : .wake(state.idle.removeFirst())
        }
        switch action {
        case .none: break
        case .wake(let continuation): continuation.resume()
        case .fail: write.fail(StoreError(.unavailable, "the PostgreSQL state store has stopped"))
        }
    }

    /// Commits batches on connections of `client` until the calling task is cancelled; then fails what is still
    /// queued and every later write. Runs at most once.
    func run(client: PostgresClient) async {
        let (alreadyRunning, waiting) = state.withLock { state in
            defer {
                state.running = true
                state.waitingForStart = []
            }
            return (state.running, state.waitingForStart)
        }
        precondition(!alreadyRunning, "PostgresGroupCommit.run() runs once")
        for waiter in waiting { waiter.resume(returning: true) }
        // Several lanes, each committing a batch on a connection of its own: a batch's round trips (one per
        // statement) and its commit's flush overlap with the others'. A write's caller waits for its commit, so
        // a write made after another returned always sees it.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<lanes {
                group.addTask {
                    while !Task.isCancelled {
                        let batch = await self.nextBatch()
                        guard !batch.isEmpty else { continue }
                        await self.commit(batch, client: client)
                    }
                }
            }
        }
        let (left, stillWaiting) = state.withLock { state in
            state.stopped = true
            defer {
                state.queued = []
                state.waitingForStart = []
            }
            return (state.queued, state.waitingForStart)
        }
        for waiter in stillWaiting { waiter.resume(returning: false) }
        for write in left { write.fail(StoreError(.unavailable, "the PostgreSQL state store has stopped")) }
    }

    /// Waits until ``run(client:)`` has started (at once when it has); fails once it has stopped. Reads wait here,
    /// so that one asked for while the daemon starts does not race the pool's start.
    func whenRunning() async throws(StoreError) {
        let running = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer = state.withLock { state -> Bool? in
                if state.stopped { return false }
                if state.running { return true }
                state.waitingForStart.append(continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
        guard running else { throw StoreError(.unavailable, "the PostgreSQL state store has stopped") }
    }

    /// The next batch, waiting for a write when none is queued; empty when the task was cancelled.
    private func nextBatch() async -> [Write] {
        while true {
            let batch = state.withLock { state -> [Write] in
                let count = min(maxBatch, state.queued.count)
                defer { state.queued.removeFirst(count) }
                return Array(state.queued.prefix(count))
            }
            if !batch.isEmpty || Task.isCancelled { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        guard state.queued.isEmpty, !Task.isCancelled else { return true }
                        state.idle.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let idle = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    defer { state.idle = [] }
                    return state.idle
                }
                for lane in idle { lane.resume() }
            }
        }
    }

    /// Commits `batch` in one transaction, running it again after a conflict with another instance.
    private func commit(_ batch: [Write], client: PostgresClient) async {
        var attempt = 0
        while true {
            let outcome = await commitOnce(batch, client: client)
            switch outcome {
            case .committed(let completions):
                for completion in completions { completion(nil) }
                return
            case .conflicted where attempt < maxConflictRetries:
                attempt += 1
                logger.debug("group commit conflicted with another transaction; running the batch again")
            case .conflicted:
                let error = StoreError(
                    .io,
                    "a write kept conflicting with other instances' transactions (deadlock or serialization failure)"
                )
                for write in batch { write.fail(error) }
                return
            case .failed(let completions, let error):
                // Writes that ran before the failure are rolled back with the transaction; the rest never ran.
                for completion in completions { completion(error) }
                for write in batch.dropFirst(completions.count) { write.fail(error) }
                return
            }
        }
    }

    private enum Outcome: Sendable {
        case committed([@Sendable ((any Error)?) -> Void])
        case conflicted
        case failed([@Sendable ((any Error)?) -> Void], any Error)
    }

    private func commitOnce(_ batch: [Write], client: PostgresClient) async -> Outcome {
        let logger = logger
        do {
            return try await client.withConnection { connection -> Outcome in
                var completions: [@Sendable ((any Error)?) -> Void] = []
                completions.reserveCapacity(batch.count)
                do {
                    try await connection.query("BEGIN", logger: logger)
                    let alone = batch.count == 1
                    var failed = false
                    for write in batch {
                        let applied = await write.run(connection, logger, !alone)
                        if applied.conflicted {
                            _ = try? await connection.query("ROLLBACK", logger: logger)
                            return .conflicted
                        }
                        failed = failed || applied.failed
                        completions.append(applied.complete)
                    }
                    // A lone write that failed has no savepoint to have undone it: its batch is rolled back.
                    try await connection.query(alone && failed ? "ROLLBACK" : "COMMIT", logger: logger)
                    return .committed(completions)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    if PostgresReplayStore.isConflict(error) { return .conflicted }
                    return .failed(completions, error)
                }
            }
        } catch {
            // No connection could be had (the server is down or refuses us).
            return .failed([], error)
        }
    }
}

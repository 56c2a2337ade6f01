import Crypto
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Strait
import Synchronization

/// One upstream budget for a fleet of replayd instances on one PostgreSQL database (migration
/// `v8-upstream-schedule`): Strait's rate limit is per API key, so every instance using the key paces on one
/// schedule, the very `PacingSchedule` a single instance keeps in memory, stored as JSON in one row per key of
/// `upstream_schedule` (keyed by the SHA-256 of the key, never the key).
///
/// **Every decision is a transaction on that row.** The row is locked (`INSERT … ON CONFLICT DO UPDATE …
/// RETURNING`, which also creates it), decoded, changed in Swift, and written back, so the instances' decisions are
/// serialised as one instance's are by its mutex. The fleet then paces exactly as one instance does: the window
/// learned from every instance's answers, the credit each answer gives, the spreading at the window's end, and
/// the probing after a 429 (see ``UpstreamPacer``). Ticket numbers are fleet-wide, so an answer is matched to its
/// call whichever instance sent it.
///
/// **Group commit.** Callers of one instance queue their decisions; one of them (the leader) runs a transaction
/// for every decision queued, and hands the lead to the next waiting caller once its own decision is committed.
/// Answers (``apply(_:)``) are queued too and written with the next transaction, or by ``run()`` when no decision
/// comes, off the caller's path. A decision's result is used only once its transaction has committed.
///
/// **Time** is the database's `statement_timestamp()` by default, so instances with skewed clocks share one time
/// base; each instance sleeps the difference on its own clock. Tests inject a clock instead.
///
/// **Waiting callers.** The schedule's end-of-window decisions count every caller waiting fleet-wide: each
/// instance writes its own count into the row with every transaction, and counts older than
/// ``Configuration/waitingReportLifetime`` are ignored (an instance that died).
///
/// **Failing closed.** When the database cannot be reached, no call is let through: ``decide(_:)`` logs a
/// warning once per outage, sets the gauge `replayd_upstream_budget_reachable` to 0, and retries with backoff
/// until the database answers or the task is cancelled. An answer that cannot be written is dropped (logged).
public final class PostgresUpstreamBudget: Service {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// The first and the longest wait between tries while the database is unreachable.
        public var retryDelay: ClosedRange<Duration>
        /// How long an instance's count of waiting callers counts after it wrote it.
        public var waitingReportLifetime: Duration

        /// Creates a configuration.
        public init(
            retryDelay: ClosedRange<Duration> = .milliseconds(500)...(.seconds(10)),
            waitingReportLifetime: Duration = .seconds(15)
        ) {
            self.retryDelay = retryDelay
            self.waitingReportLifetime = waitingReportLifetime
        }
    }

    /// Where the budget's time comes from.
    public enum TimeSource: Sendable {
        /// The database's `statement_timestamp()`: one time base for the fleet.
        case database
        /// The clock's monotonic time, to the microsecond (tests, whose instances share one clock).
        case clock
    }

    private typealias Change = @Sendable (inout PacingSchedule, Duration) -> Void

    private struct Queue {
        var decisions: [PendingDecision] = []
        var changes: [Change] = []
        /// Whether a caller (or ``run()``) is running transactions for the queue.
        var leading = false
        var changesEnqueued = 0
        var changesDone = 0
        var flushWaiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var writeFailing = false
    }

    /// The schedule as this instance last read it, for status pages.
    private struct Seen {
        var row: PostgresScheduleRow
        var now: Duration
        var at: Duration
    }

    private let client: PostgresClient
    private let keyHash: @Sendable () -> String
    private let configuration: Configuration
    private let clock: any ReplayClock
    private let timeSource: TimeSource
    private let logger: Logger
    private let metrics: ReplaydMetrics?
    /// This process's name in the row's waiting counts.
    private let reporter = UUID().uuidString
    private let queue = Mutex(Queue())
    private let waiting = Atomic<Int>(0)
    private let seen = Mutex<Seen?>(nil)
    private let outage = Mutex(0)
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates the budget.
    ///
    /// - Parameters:
    ///   - client: the state database's client (run by ``PostgresStateService``).
    ///   - keyHash: the budget's row: ``keyHash(of:)`` of the API key in force, asked for at each transaction.
    ///   - clock: sleeps, and the time when `timeSource` is `.clock`.
    ///   - metrics: where the budget's gauges go.
    public init(
        client: PostgresClient,
        keyHash: @escaping @Sendable () -> String,
        configuration: Configuration = Configuration(),
        clock: any ReplayClock,
        timeSource: TimeSource = .database,
        logger: Logger,
        metrics: ReplaydMetrics? = nil
    ) {
        self.client = client
        self.keyHash = keyHash
        self.configuration = configuration
        self.clock = clock
        self.timeSource = timeSource
        self.logger = logger
        self.metrics = metrics
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The row key for `key`: the hex SHA-256 of the key, domain-separated. The key itself is never stored.
    public static func keyHash(of key: StraitAPIKey) -> String {
        key.digest { bytes in
            hex(SHA256.hash(data: Array("replayd-upstream-budget-v1\n".utf8) + bytes))
        }
    }

    /// Writes the answers queued while no decision came, until graceful shutdown; then what is still queued.
    public func run() async throws {
        for await _ in wakes.cancelOnGracefulShutdown() { await writeQueuedChanges() }
        await writeQueuedChanges()
    }

    /// Returns once every answer queued before the call is written (or dropped after a failed write).
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = queue.withLock { state -> Bool in
                if state.changesDone >= state.changesEnqueued { return true }
                state.flushWaiters.append((state.changesEnqueued, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: - Leading

    /// Runs transactions for the queue while it has work. A caller leads until its own decision is settled,
    /// then hands the lead to the next queued decision's caller; ``run()`` (`mine == nil`) leads until the queue
    /// is empty.
    private func lead(until mine: PendingDecision?) async {
        while true {
            if let mine, Task.isCancelled {
                // A cancelled caller would fail the whole batch's transaction: it leaves, and hands the lead on.
                queue.withLock { state in state.decisions.removeAll { $0 === mine } }
                mine.settle(.failed(CancellationError()))
                handOff()
                return
            }
            let (decisions, changes) = queue.withLock { state -> ([PendingDecision], [Change]) in
                defer {
                    state.decisions.removeAll()
                    state.changes.removeAll()
                }
                return (state.decisions, state.changes)
            }
            if decisions.isEmpty, changes.isEmpty {
                handOff()
                return
            }
            await runTransaction(decisions, changes)
            if let mine, mine.isSettled {
                handOff()
                return
            }
        }
    }

    /// Gives the lead to the oldest queued decision's caller, or gives it up (waking ``run()`` for changes
    /// still queued).
    private func handOff() {
        let (next, changesLeft) = queue.withLock { state -> (PendingDecision?, Bool) in
            if let next = state.decisions.first { return (next, false) }
            state.leading = false
            return (nil, !state.changes.isEmpty)
        }
        next?.settle(.lead)
        if changesLeft { wake.yield() }
    }

    private func writeQueuedChanges() async {
        let lead = queue.withLock { state -> Bool in
            if state.leading || (state.changes.isEmpty && state.decisions.isEmpty) { return false }
            state.leading = true
            return true
        }
        if lead { await self.lead(until: nil) }
    }

    /// One transaction: the queued changes, then the queued decisions, in order, on the locked row.
    private func runTransaction(_ decisions: [PendingDecision], _ changes: [Change]) async {
        let key = keyHash()
        let report = waiting.load(ordering: .relaxed)
        do {
            let committed = try await client.withTransaction(logger: logger) { [self] connection in
                var (row, now) = try await lockRow(connection, key: key)
                let nowMicroseconds = Self.microseconds(now)
                let lifetime = Self.microseconds(configuration.waitingReportLifetime)
                row.waiting = row.waiting.filter { $0.key != reporter && nowMicroseconds - $0.value.at <= lifetime }
                if report > 0 { row.waiting[reporter] = PostgresScheduleRow.Report(count: report, at: nowMicroseconds) }
                row.schedule.waiting = row.waiting.values.reduce(0) { $0 + $1.count }
                for change in changes { change(&row.schedule, now) }
                for decision in decisions { decision.run(&row.schedule, now) }
                try await writeRow(connection, key: key, row: row)
                return (row, now)
            }
            seen.withLock { $0 = Seen(row: committed.0, now: committed.1, at: clock.monotonicNow()) }
            metrics?.gauge("replayd_upstream_budget_limit", Double(committed.0.schedule.limit ?? 0))
            metrics?.gauge("replayd_upstream_budget_remaining", Double(committed.0.schedule.remaining ?? 0))
            noteSuccess()
            for decision in decisions { decision.settle(.committed) }
            changesDone(changes.count, failed: false)
        } catch {
            if !Self.isCancellation(error) { noteFailure(error) }
            for decision in decisions { decision.settle(.failed(error)) }
            changesDone(changes.count, failed: true)
        }
    }

    private func changesDone(_ count: Int, failed: Bool) {
        let (ready, firstFailure) = queue.withLock {
            state -> ([CheckedContinuation<Void, Never>], Bool) in
            let first = failed && !state.writeFailing && count > 0
            if count > 0 { state.writeFailing = failed }
            state.changesDone += count
            let done = state.changesDone
            let ready = state.flushWaiters.filter { $0.target <= done }.map(\.continuation)
            state.flushWaiters.removeAll { $0.target <= done }
            return (ready, first)
        }
        if firstFailure {
            logger.warning("could not share what Strait's answers said about the rate limit; dropped")
        }
        for continuation in ready { continuation.resume() }
    }

    // MARK: - Statements

    /// The statement's time in microseconds: the bound clock time, or the database's.
    private static let now = "COALESCE($2::bigint, (extract(epoch FROM statement_timestamp()) * 1000000)::bigint)"

    private var nowBind: Int64? {
        switch timeSource {
        case .database: return nil
        case .clock: return Self.microseconds(clock.monotonicNow())
        }
    }

    /// Locks the key's row (creating it) and reads it, with the transaction's time.
    private func lockRow(_ connection: PostgresConnection, key: String) async throws -> (PostgresScheduleRow, Duration)
    {
        var binds = PostgresBindings()
        binds.append(key)
        binds.append(nowBind)
        let rows = try await PostgresReplayStore.rows(
            connection,
            logger,
            """
            INSERT INTO upstream_schedule AS s (key_hash, schedule, updated_at_us) VALUES ($1, NULL, \(Self.now))
            ON CONFLICT (key_hash) DO UPDATE SET updated_at_us = s.updated_at_us
            RETURNING schedule, \(Self.now)
            """,
            binds
        )
        guard let first = rows.first else { throw PostgresBudgetMissingRow() }
        let columns = PostgresColumns(row: PostgresRandomAccessRow(first))
        let text: String? = try columns.value(0, "upstream_schedule.schedule")
        let now: Int64 = try columns.value(1, "now")
        return (decodeRow(text), .microseconds(now))
    }

    /// The schedule row's coders, shared by every call (Foundation's coders are safe to share).
    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    private func writeRow(_ connection: PostgresConnection, key: String, row: PostgresScheduleRow) async throws {
        let data = try Self.encoder.encode(row)
        var binds = PostgresBindings()
        binds.append(key)
        binds.append(nowBind)
        binds.append(String(decoding: data, as: UTF8.self))
        _ = try await PostgresReplayStore.rows(
            connection,
            logger,
            "UPDATE upstream_schedule SET schedule = $3, updated_at_us = \(Self.now) WHERE key_hash = $1",
            binds
        )
    }

    /// The stored row, or a new schedule when there is none or it cannot be read (logged: the fleet starts
    /// learning again, which only slows calls down until the next answer).
    private func decodeRow(_ text: String?) -> PostgresScheduleRow {
        guard let text else { return PostgresScheduleRow() }
        do {
            return try Self.decoder.decode(PostgresScheduleRow.self, from: Data(text.utf8))
        } catch {
            logger.warning(
                "the fleet's stored pacing schedule could not be read; starting a new one",
                metadata: ["error": "\(error)"]
            )
            return PostgresScheduleRow()
        }
    }

    // MARK: - Failing closed

    /// Whether a transaction failed because its task was cancelled, not because of the database.
    private static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || (error as? PostgresTransactionError)?.closureError is CancellationError
    }

    private func noteFailure(_ error: any Error) {
        let first = outage.withLock { failures -> Bool in
            failures += 1
            return failures == 1
        }
        if first {
            logger.warning(
                "the fleet's upstream budget is unreachable; calls to Strait wait until it answers",
                metadata: ["error": "\(PostgresReplayStore.storeError(error, "deciding calls to Strait"))"]
            )
        }
        metrics?.gauge("replayd_upstream_budget_reachable", 0)
    }

    private func noteSuccess() {
        let recovered = outage.withLock { failures -> Bool in
            defer { failures = 0 }
            return failures > 0
        }
        if recovered { logger.notice("the fleet's upstream budget is reachable again") }
        metrics?.gauge("replayd_upstream_budget_reachable", 1)
    }

    private var reachable: Bool { outage.withLock { $0 == 0 } }

    private func sleep(_ delay: Duration) async throws(CancellationError) {
        do {
            try await clock.sleep(for: delay)
        } catch {
            throw CancellationError()
        }
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

extension PostgresUpstreamBudget: PacingScheduleHome {
    func decide<Result: Sendable>(
        _ decision: @escaping @Sendable (inout PacingSchedule, Duration) -> Result
    ) async throws(CancellationError) -> Result {
        var failures = 0
        while true {
            if Task.isCancelled { throw CancellationError() }
            let pending = PendingDecision(decision)
            let lead = queue.withLock { state -> Bool in
                state.decisions.append(pending)
                if state.leading { return false }
                state.leading = true
                return true
            }
            if lead { await self.lead(until: pending) }
            var outcome = await pending.outcome()
            while case .lead = outcome {
                await self.lead(until: pending)
                outcome = await pending.outcome()
            }
            switch outcome {
            case .committed:
                guard let result = pending.result as? Result else {
                    preconditionFailure("a committed decision has its result")
                }
                return result
            case .failed(let error):
                if Self.isCancellation(error) {
                    // Another caller's cancellation failed the batch (or this caller's own): not an outage.
                    if Task.isCancelled { throw CancellationError() }
                    continue
                }
                failures += 1
                try await sleep(
                    min(
                        configuration.retryDelay.lowerBound * (1 << min(failures - 1, 16)),
                        configuration.retryDelay.upperBound
                    )
                )
            case .lead:
                continue
            }
        }
    }

    func apply(_ change: @escaping @Sendable (inout PacingSchedule, Duration) -> Void) {
        queue.withLock {
            $0.changes.append(change)
            $0.changesEnqueued += 1
        }
        wake.yield()
    }

    func enter() { waiting.add(1, ordering: .relaxed) }

    func leave() { waiting.subtract(1, ordering: .relaxed) }

    func peek<Result>(_ body: (PacingSchedule, Duration) -> Result) -> Result? {
        guard let seen = seen.withLock({ $0 }) else { return nil }
        return body(seen.row.schedule, seen.now + (clock.monotonicNow() - seen.at))
    }

    func state() async -> UpstreamBudgetState? {
        var binds = PostgresBindings()
        binds.append(keyHash())
        binds.append(nowBind)
        do {
            let rows = try await client.withConnection { [logger] connection in
                try await PostgresReplayStore.rows(
                    connection,
                    logger,
                    "SELECT schedule, \(Self.now) FROM upstream_schedule WHERE key_hash = $1",
                    binds
                )
            }
            guard let first = rows.first else { return .unknown(reachable: reachable) }
            let columns = PostgresColumns(row: PostgresRandomAccessRow(first))
            let text: String? = try columns.value(0, "upstream_schedule.schedule")
            let now = Duration.microseconds(try columns.value(1, "now") as Int64)
            let schedule = decodeRow(text).schedule
            return UpstreamBudgetState(
                limit: schedule.limit,
                remaining: schedule.remaining,
                windowEndsIn: schedule.windowEndsBy.map { max(.zero, $0 - now) },
                pausedFor: schedule.pausedUntil > now ? schedule.pausedUntil - now : nil,
                granted: Int64(schedule.letThrough),
                reachable: reachable
            )
        } catch {
            return .unknown(reachable: false)
        }
    }
}

/// One caller's decision, queued for the next transaction.
private final class PendingDecision: Sendable {
    enum Outcome: Sendable {
        /// The transaction that ran it committed: ``PendingDecision/result`` holds what it decided.
        case committed
        /// The transaction failed: nothing it decided holds.
        case failed(any Error)
        /// The caller is to lead the queue's next transactions.
        case lead
    }

    private enum State {
        case queued
        case waiting(CheckedContinuation<Outcome, Never>)
        case settled(Outcome)
    }

    private let decision: @Sendable (inout PacingSchedule, Duration) -> any Sendable
    private let state = Mutex(State.queued)
    private let stored = Mutex<(any Sendable)?>(nil)

    init<Result: Sendable>(_ decision: @escaping @Sendable (inout PacingSchedule, Duration) -> Result) {
        self.decision = { schedule, now in decision(&schedule, now) }
    }

    /// What the decision returned in the last transaction that ran it.
    var result: (any Sendable)? { stored.withLock { $0 } }

    /// Whether it was committed or failed (a `lead` is not a settlement).
    var isSettled: Bool {
        state.withLock { state in
            if case .settled(let outcome) = state, !outcome.isLead { return true }
            return false
        }
    }

    func run(_ schedule: inout PacingSchedule, _ now: Duration) {
        let value = decision(&schedule, now)
        stored.withLock { $0 = value }
    }

    /// Delivers `outcome` to the caller, now or when it next waits.
    func settle(_ outcome: Outcome) {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            var waiter: CheckedContinuation<Outcome, Never>?
            if case .waiting(let continuation) = state { waiter = continuation }
            // A lead handed to a waiting caller is consumed at once; anything else stays for the next look.
            state = waiter != nil && outcome.isLead ? .queued : .settled(outcome)
            return waiter
        }
        waiter?.resume(returning: outcome)
    }

    /// Waits for the next outcome (returns at once if it came already).
    func outcome() async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let ready = state.withLock { state -> Outcome? in
                if case .settled(let outcome) = state {
                    if outcome.isLead { state = .queued }
                    return outcome
                }
                state = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

extension PendingDecision.Outcome {
    fileprivate var isLead: Bool {
        if case .lead = self { return true }
        return false
    }
}

/// The budget's row was not returned by its own upsert (it cannot happen; reported as unavailable).
struct PostgresBudgetMissingRow: Error, CustomStringConvertible {
    var description: String { "the upstream budget's row was not returned" }
}

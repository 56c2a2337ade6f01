import Crypto
import Logging
import PostgresNIO
import ServiceLifecycle
import Strait
import Synchronization

/// One upstream budget for a fleet of replayd instances on one PostgreSQL database (migration
/// `v6-upstream-budget`): Strait's rate limit is per API key, so every instance using the key draws from one
/// GCRA state, one row per key in `upstream_budget`, keyed by the SHA-256 of the key (never the key).
///
/// **Admission** is one statement (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), so concurrent instances are
/// serialised by the row lock: with the learned limit `L`, the window `W` and the reserve `r`, the interval is
/// `T = W / L`, the burst `B = L − r`, the tolerance `τ = (B − 1)·T`; a call may go at `s = max(now, TAT − τ)`
/// and `TAT = max(TAT, s) + T`, as in ``UpstreamPacer``. While a shared pause runs, no slot is given: the caller
/// waits for the pause and asks again. Before a limit is learned, only pauses hold calls.
///
/// **Learning** (`X-RateLimit-Limit`, `-Remaining`, `-Reset`, and the pause a 429/503 and its `Retry-After`
/// asked for) is written by this service's ``run()`` loop, off the caller's path, one `UPDATE` per answer. The
/// newest answer (by fleet-wide grant order) re-anchors `TAT` so that `min(B, remaining − later − r)` calls may
/// go at once, `later` being the calls granted fleet-wide after the answered one.
///
/// **Time** is the database's `statement_timestamp()` by default, so instances with skewed clocks share one time
/// base; each instance sleeps the difference on its own clock. Tests inject a clock instead.
///
/// **Failing closed.** When the database cannot be reached, no call is let through: ``admit()`` logs a warning
/// once per outage, sets the gauge `replayd_upstream_budget_reachable` to 0, and retries with backoff until the
/// database answers or the task is cancelled. A learned value that cannot be written is dropped (logged).
public final class PostgresUpstreamBudget: UpstreamBudget, Service {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// The window Strait's limit applies to (60 s).
        public var window: Duration
        /// Requests per window kept back (as ``UpstreamPacer/Configuration/reserve``).
        public var reserve: Int
        /// The first and the longest wait between tries while the database is unreachable.
        public var retryDelay: ClosedRange<Duration>

        /// Creates a configuration.
        public init(
            window: Duration = .seconds(60),
            reserve: Int = 2,
            retryDelay: ClosedRange<Duration> = .milliseconds(500)...(.seconds(10))
        ) {
            self.window = window
            self.reserve = max(0, reserve)
            self.retryDelay = retryDelay
        }
    }

    /// Where the budget's time comes from.
    public enum TimeSource: Sendable {
        /// The database's `statement_timestamp()`: one time base for the fleet.
        case database
        /// The clock's wall time (tests).
        case clock
    }

    private struct Learning {
        var pending: [(key: String, observation: UpstreamBudgetObservation)] = []
        var enqueued = 0
        var written = 0
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var writeFailing = false
    }

    private enum Admission {
        case granted(sequence: Int64, delay: Duration)
        case paused(Duration)
    }

    private let client: PostgresClient
    private let keyHash: @Sendable () -> String
    private let configuration: Configuration
    private let clock: any ReplayClock
    private let timeSource: TimeSource
    private let logger: Logger
    private let metrics: ReplaydMetrics?
    private let learning = Mutex(Learning())
    private let reachable = Mutex(true)
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates the budget.
    ///
    /// - Parameters:
    ///   - client: the state database's client (run by ``PostgresStateService``).
    ///   - keyHash: the budget's row: ``keyHash(of:)`` of the API key in force, asked for at each call.
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

    public func admit() async throws(CancellationError) -> UpstreamBudgetGrant {
        var failures = 0
        while true {
            if Task.isCancelled { throw CancellationError() }
            let admission: Admission
            do {
                admission = try await admitOnce(key: keyHash())
            } catch {
                failures += 1
                if failures == 1 {
                    logger.warning(
                        "the fleet's upstream budget is unreachable; calls to Strait wait until it answers",
                        metadata: ["error": "\(PostgresReplayStore.storeError(error, "admitting a call"))"]
                    )
                }
                setReachable(false)
                let delay = min(
                    configuration.retryDelay.lowerBound * (1 << min(failures - 1, 16)),
                    configuration.retryDelay.upperBound
                )
                try await sleep(delay)
                continue
            }
            if failures > 0 { logger.notice("the fleet's upstream budget is reachable again") }
            failures = 0
            setReachable(true)
            switch admission {
            case .paused(let delay):
                try await sleep(delay)
            case .granted(let sequence, let delay):
                if delay > .zero { try await sleep(delay) }
                return UpstreamBudgetGrant(sequence: sequence)
            }
        }
    }

    public func learn(_ observation: UpstreamBudgetObservation) {
        guard observation.limit != nil || observation.remaining != nil || observation.pause != nil else { return }
        let key = keyHash()
        learning.withLock {
            $0.pending.append((key, observation))
            $0.enqueued += 1
        }
        wake.yield()
    }

    public func state() async -> UpstreamBudgetState? {
        let key = keyHash()
        var binds = PostgresBindings()
        binds.append(key)
        binds.append(nowBind)
        do {
            let rows = try await client.withConnection { [logger] connection in
                try await PostgresReplayStore.rows(
                    connection,
                    logger,
                    """
                    SELECT limit_per_window, remaining, reset_at, paused_until_us, issued, \(Self.now)
                    FROM upstream_budget WHERE key_hash = $1
                    """,
                    binds
                )
            }
            setReachable(true)
            guard let row = rows.first else { return .unknown(reachable: true) }
            let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
            let limit: Int64? = try columns.value(0, "upstream_budget.limit_per_window")
            let remaining: Int64? = try columns.value(1, "upstream_budget.remaining")
            let pausedUntil: Int64 = try columns.value(3, "upstream_budget.paused_until_us")
            let now: Int64 = try columns.value(5, "now")
            return UpstreamBudgetState(
                limit: limit.map { Int($0) },
                remaining: remaining.map { Int($0) },
                resetAt: try columns.value(2, "upstream_budget.reset_at"),
                pausedFor: pausedUntil > now ? .microseconds(pausedUntil - now) : nil,
                granted: try columns.value(4, "upstream_budget.issued"),
                reachable: true
            )
        } catch {
            setReachable(false)
            return .unknown(reachable: false)
        }
    }

    /// Writes what answers taught, until graceful shutdown; then writes what is still pending.
    public func run() async throws {
        for await _ in wakes.cancelOnGracefulShutdown() { await drain() }
        await drain()
    }

    /// Returns once everything learned before the call is written (or dropped after a failed write).
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = learning.withLock { state -> Bool in
                if state.written >= state.enqueued { return true }
                state.waiters.append((state.enqueued, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func drain() async {
        while true {
            let batch = learning.withLock { state -> [(key: String, observation: UpstreamBudgetObservation)] in
                defer { state.pending.removeAll() }
                return state.pending
            }
            if batch.isEmpty { return }
            for (key, observation) in batch {
                var failed = false
                do {
                    try await record(observation, key: key)
                } catch {
                    failed = true
                    let first = learning.withLock { state -> Bool in
                        defer { state.writeFailing = true }
                        return !state.writeFailing
                    }
                    if first {
                        logger.warning(
                            "could not share what Strait's answer said about the rate limit; dropped",
                            metadata: ["error": "\(PostgresReplayStore.storeError(error, "learning the rate limit"))"]
                        )
                    }
                }
                let ready = learning.withLock { state -> [CheckedContinuation<Void, Never>] in
                    if !failed { state.writeFailing = false }
                    state.written += 1
                    let written = state.written
                    let ready = state.waiters.filter { $0.target <= written }.map(\.continuation)
                    state.waiters.removeAll { $0.target <= written }
                    return ready
                }
                for continuation in ready { continuation.resume() }
            }
        }
    }

    // MARK: - Statements

    /// The statement's time in microseconds: the bound clock time, or the database's.
    private static let now = "COALESCE($2::bigint, (extract(epoch FROM statement_timestamp()) * 1000000)::bigint)"

    private var nowBind: Int64? {
        switch timeSource {
        case .database: return nil
        case .clock: return clock.wallNowMilliseconds() * 1000
        }
    }

    /// One admission: one statement that creates the key's row or takes the next slot in it.
    private func admitOnce(key: String) async throws -> Admission {
        let now = Self.now
        let limit = "b.limit_per_window"
        let interval = "($3::bigint / \(limit))"
        let tolerance = "(\(interval) * (GREATEST(1, \(limit) - $4::bigint) - 1))"
        let paused = "(b.paused_until_us > \(now))"
        let start = """
            (CASE WHEN \(limit) IS NULL THEN GREATEST(\(now), b.paused_until_us)
            ELSE GREATEST(\(now), COALESCE(b.tat_us, \(now)) - \(tolerance), b.paused_until_us) END)
            """
        // A slot further ahead than the horizon is not taken: the caller comes back just before it. Slots taken
        // far ahead could not be moved back when a later answer shows the window empty, and every caller
        // sleeping on one would then be refused.
        let early = "(\(limit) IS NOT NULL AND \(start) > \(now) + \(Self.horizon("\(interval)")))"
        let held = "(\(paused) OR \(early))"
        let sql = """
            INSERT INTO upstream_budget AS b (key_hash, issued, last_start_us, last_now_us, last_admitted, updated_at_us)
            VALUES ($1, 1, \(now), \(now), TRUE, \(now))
            ON CONFLICT (key_hash) DO UPDATE SET
                issued = CASE WHEN \(held) THEN b.issued ELSE b.issued + 1 END,
                tat_us = CASE WHEN \(held) OR \(limit) IS NULL THEN b.tat_us
                    ELSE GREATEST(COALESCE(b.tat_us, \(now)), \(start)) + \(interval) END,
                last_start_us = CASE WHEN \(paused) THEN b.paused_until_us ELSE \(start) END,
                last_now_us = \(now),
                last_admitted = NOT \(held),
                updated_at_us = \(now)
            RETURNING issued, last_start_us, last_now_us, last_admitted, limit_per_window, remaining
            """
        var binds = PostgresBindings()
        binds.append(key)
        binds.append(nowBind)
        binds.append(Self.microseconds(configuration.window))
        binds.append(Int64(configuration.reserve))
        let rows = try await client.withConnection { [logger] connection in
            try await PostgresReplayStore.rows(connection, logger, sql, binds)
        }
        guard let row = rows.first else { throw PostgresBudgetMissingRow() }
        let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
        let issued: Int64 = try columns.value(0, "upstream_budget.issued")
        let startAt: Int64 = try columns.value(1, "upstream_budget.last_start_us")
        let nowAt: Int64 = try columns.value(2, "upstream_budget.last_now_us")
        let admitted: Bool = try columns.value(3, "upstream_budget.last_admitted")
        let learnedLimit: Int64? = try columns.value(4, "upstream_budget.limit_per_window")
        let remaining: Int64? = try columns.value(5, "upstream_budget.remaining")
        metrics?.gauge("replayd_upstream_budget_limit", Double(learnedLimit ?? 0))
        metrics?.gauge("replayd_upstream_budget_remaining", Double(remaining ?? 0))
        let ahead = max(0, startAt - nowAt)
        if admitted { return .granted(sequence: issued - 1, delay: .microseconds(ahead)) }
        // Held: wake up one horizon before the slot (or the pause's end) and ask again.
        let horizon = learnedLimit.map { Self.horizonMicroseconds(window: configuration.window, limit: $0) } ?? 0
        let wait = ahead > horizon ? ahead - horizon : ahead
        return .paused(max(.microseconds(wait), .milliseconds(1)))
    }

    /// How far ahead a slot may be taken: one interval of the learned limit, and at least 100 ms (a database round
    /// trip, many times over), as SQL over `interval` (microseconds).
    private static func horizon(_ interval: String) -> String { "GREATEST(\(interval), 100000)" }

    /// ``horizon(_:)`` in Swift, for the wait of a held caller.
    private static func horizonMicroseconds(window: Duration, limit: Int64) -> Int64 {
        max(microseconds(window) / max(1, limit), 100_000)
    }

    /// Writes one answer's lessons into the key's row.
    private func record(_ observation: UpstreamBudgetObservation, key: String) async throws {
        let now = Self.now
        let limit = "COALESCE($6::bigint, b.limit_per_window)"
        let interval = "($3::bigint / \(limit))"
        let burst = "GREATEST(1, \(limit) - $4::bigint)"
        let tolerance = "(\(interval) * (\(burst) - 1))"
        let anchors = """
            ($7::bigint IS NOT NULL AND \(limit) IS NOT NULL AND $5::bigint IS NOT NULL \
            AND $5::bigint > b.newest_observed)
            """
        let available = "LEAST(\(burst), $7::bigint - (b.issued - $5::bigint - 1) - $4::bigint)"
        let pausedUntil = """
            (CASE WHEN $9::bigint IS NULL THEN b.paused_until_us
            ELSE GREATEST(b.paused_until_us, \(now) + $9::bigint) END)
            """
        let sql = """
            UPDATE upstream_budget AS b SET
                limit_per_window = \(limit),
                remaining = CASE WHEN \(anchors) THEN $7::bigint ELSE b.remaining END,
                reset_at = CASE WHEN \(anchors) THEN COALESCE($8::bigint, b.reset_at) ELSE b.reset_at END,
                newest_observed = CASE WHEN \(anchors) THEN $5::bigint ELSE b.newest_observed END,
                paused_until_us = \(pausedUntil),
                tat_us = CASE
                    WHEN $9::bigint IS NOT NULL AND \(limit) IS NOT NULL THEN \(pausedUntil) + \(tolerance)
                    WHEN \(anchors) THEN \(now) + \(tolerance) - \(interval) * (\(available) - 1)
                    ELSE b.tat_us END,
                updated_at_us = \(now)
            WHERE b.key_hash = $1
            RETURNING limit_per_window, remaining
            """
        var binds = PostgresBindings()
        binds.append(key)
        binds.append(nowBind)
        binds.append(Self.microseconds(configuration.window))
        binds.append(Int64(configuration.reserve))
        binds.append(observation.grant.sequence)
        binds.append(observation.limit.map { Int64($0) })
        binds.append(observation.remaining.map { Int64($0) })
        binds.append(observation.resetAt)
        binds.append(observation.pause.map { Self.microseconds($0) })
        let rows = try await client.withConnection { [logger] connection in
            try await PostgresReplayStore.rows(connection, logger, sql, binds)
        }
        if let row = rows.first {
            let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
            let learnedLimit: Int64? = try columns.value(0, "upstream_budget.limit_per_window")
            let remaining: Int64? = try columns.value(1, "upstream_budget.remaining")
            metrics?.gauge("replayd_upstream_budget_limit", Double(learnedLimit ?? 0))
            metrics?.gauge("replayd_upstream_budget_remaining", Double(remaining ?? 0))
        }
    }

    private func setReachable(_ value: Bool) {
        reachable.withLock { $0 = value }
        metrics?.gauge("replayd_upstream_budget_reachable", value ? 1 : 0)
    }

    private func sleep(_ delay: Duration) async throws(CancellationError) {
        do {
            try await clock.sleep(for: delay)
        } catch {
            throw CancellationError()
        }
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
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

/// The budget's row was not returned by its own upsert (it cannot happen; reported as unavailable).
struct PostgresBudgetMissingRow: Error, CustomStringConvertible {
    var description: String { "the upstream budget's row was not returned" }
}

import Crypto
import Curl
import Logging
import ServiceLifecycle
import Synchronization

/// Posts due follow-ups from a ``FollowUpOutbox`` to Slack and Discord, retrying until each one's `notAfter`.
///
/// - **Loop.** `run()` makes a pass (``deliverDue(now:)``, then pruning every `pruneInterval`), then sleeps on the
///   injected clock until the next follow-up is due or `pollInterval` passes, whichever is sooner; ``wake()``
///   (called by a door right after it enqueues) cuts the sleep short. It stops at graceful shutdown or
///   cancellation: the sleep is cut short, a pass in progress finishes (posts are not cancelled halfway).
/// - **Retries.** A network error, a 5xx or a 429 is retried: after the response's `Retry-After` when it has one
///   (clamped to `retryAfterRange`, plus up to `retryAfterJitter` of itself), otherwise after exponential backoff
///   with equal jitter. When the next try would be at or after `notAfter`, the follow-up fails (`gave_up`). Any
///   other status (4xx but 429; 1xx, 3xx) fails at once (`rejected`): Slack answers 404 `expired_url` /
///   `used_url`, Discord 404 unknown webhook, and no retry changes that. A follow-up already past `notAfter` fails
///   without being sent (`expired`).
/// - **At least once.** A follow-up is marked delivered after the platform accepts it; a crash in between posts it
///   again at restart. Slack and Discord offer no idempotency key for these endpoints.
/// - **Secrets.** The destination holds a bearer token: logs carry `destination_host` and `destination_hash` (a
///   keyed hash) only, and error texts have any piece of the URL removed.
public final class FollowUpWorker: Service, Sendable {
    let outbox: FollowUpOutbox
    let http: any HTTPClient
    let clock: any ReplayClock
    let observer: any FollowUpObserver
    let configuration: FollowUpWorkerConfiguration
    let jitter: any JitterSource
    let hashDestination: @Sendable (String) -> String
    let logger: Logger
    let metrics: ReplaydMetrics?
    private let wakeSignal = FollowUpWakeSignal()
    private let lastPrunedAt = Mutex<Int64?>(nil)

    /// Creates a worker.
    ///
    /// - Parameters:
    ///   - outbox: where follow-ups wait.
    ///   - http: the client that posts them (`CurlClient` in the daemon).
    ///   - clock: wall time for due times and deadlines, and the sleep between passes.
    ///   - observer: told every attempt's result, after it is stored.
    ///   - configuration: timing and limits.
    ///   - jitter: randomness for backoff and `Retry-After` jitter.
    ///   - hashDestination: the keyed hash logged in place of a destination URL. Pass the audit key's hash
    ///     (`ReplayAuditor.hashValue`) so logs and the audit log agree; the default uses a key made at random
    ///     for this process.
    ///   - metrics: where the outbox's depth and age are reported after each pass; `nil` reports nothing.
    ///   - logger: the worker's logger; each follow-up gets its own with `follow_up_id`, `follow_up_kind`,
    ///     `destination_host` and `destination_hash`.
    public init(
        outbox: FollowUpOutbox,
        http: any HTTPClient,
        clock: any ReplayClock,
        observer: any FollowUpObserver,
        configuration: FollowUpWorkerConfiguration = FollowUpWorkerConfiguration(),
        jitter: any JitterSource = SystemJitterSource(),
        hashDestination: (@Sendable (String) -> String)? = nil,
        metrics: ReplaydMetrics? = nil,
        logger: Logger
    ) {
        self.metrics = metrics
        self.outbox = outbox
        self.http = http
        self.clock = clock
        self.observer = observer
        self.configuration = configuration
        self.jitter = jitter
        self.hashDestination = hashDestination ?? Self.randomKeyHash()
        self.logger = logger
    }

    /// Asks the worker to make a pass now (for example right after an enqueue) instead of at its next poll.
    /// Cheap; several calls before the worker looks collapse into one pass.
    public func wake() {
        wakeSignal.signal()
    }

    /// Makes passes until graceful shutdown or cancellation. Never throws.
    public func run() async throws {
        logger.debug(
            "follow-up worker started",
            metadata: ["poll_interval": "\(configuration.pollInterval)", "path": "\(outbox.path)"]
        )
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = self.clock.wallNowMilliseconds()
                // Shielded from cancellation: a post in flight at shutdown finishes and its result is stored. The
                // task is awaited at once, so it never outlives `run()`; posts are bounded by the HTTP timeout.
                let pass = await Task { await self.runOnce(now: now) }.value
                let wait = await self.wait(after: pass)
                guard await self.sleep(for: wait) else { break }
            }
        }
        logger.debug("follow-up worker stopped")
    }

    /// One pass of the loop: ``deliverDue(now:)``, then ``pruneIfDue(now:)``.
    @discardableResult
    public func runOnce(now: Int64) async -> FollowUpPass {
        let pass = await deliverDue(now: now)
        await pruneIfDue(now: now)
        if let metrics, let summary = try? await outbox.pendingSummary() {
            metrics.followUpOutbox(
                pending: summary.count,
                oldestAgeSeconds: summary.oldestCreatedAt.map { Double(max(0, now - $0)) / 1000 } ?? 0
            )
        }
        return pass
    }

    /// Deletes follow-ups that finished more than `retention` ago, when `pruneInterval` has passed since the last
    /// prune (or on the first call). A failure is logged and tried again at the next pass.
    ///
    /// - Returns: how many were deleted, or `nil` when it was not time to prune or pruning failed.
    @discardableResult
    public func pruneIfDue(now: Int64) async -> Int? {
        let interval = Self.milliseconds(configuration.pruneInterval)
        let due = lastPrunedAt.withLock { last -> Bool in
            guard last.map({ now - $0 >= interval }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return nil }
        let cutoff = now - Self.milliseconds(configuration.retention)
        do {
            let deleted = try await outbox.prune(finishedBefore: cutoff)
            logger.log(
                level: deleted > 0 ? .info : .debug,
                "pruned follow-ups",
                metadata: ["deleted": "\(deleted)", "finished_before": "\(cutoff)"]
            )
            return deleted
        } catch {
            lastPrunedAt.withLock { $0 = nil }
            logger.warning("pruning follow-ups failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// How long to sleep after `pass`: until the next follow-up is due, at most `pollInterval`; the whole
    /// `pollInterval` after a pass that was interrupted or could not use the outbox (so a failure never spins).
    func wait(after pass: FollowUpPass) async -> Duration {
        let poll = configuration.pollInterval
        guard pass.interrupted == 0, pass.storeFailures == 0 else { return poll }
        let next: Int64?
        do {
            next = try await outbox.nextAttemptAt()
        } catch {
            return poll
        }
        guard let next else { return poll }
        let now = clock.wallNowMilliseconds()
        return next <= now ? .zero : min(poll, .milliseconds(next - now))
    }

    /// Sleeps for `duration` on the clock or until `wake()`. Returns `false` when the task was cancelled.
    private func sleep(for duration: Duration) async -> Bool {
        guard duration > .zero else { return !Task.isCancelled }
        let clock = clock
        let wakeSignal = wakeSignal
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await clock.sleep(for: duration)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                await wakeSignal.wait()
                return !Task.isCancelled
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first && !Task.isCancelled
        }
    }

    /// Whole milliseconds in `duration`, saturating.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflow || carry { return seconds < 0 ? .min : .max }
        return total
    }

    /// An HMAC-SHA256 under a key made for this process, as 16 hex digits.
    private static func randomKeyHash() -> @Sendable (String) -> String {
        var generator = SystemRandomNumberGenerator()
        let keyBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return { value in
            let code = HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: SymmetricKey(data: keyBytes))
            return code.prefix(8).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
    }
}

import Logging
import ServiceLifecycle

/// Deletes old records in the background: at start and then every `interval`, final and indeterminate records whose
/// `updatedAt` is more than `retention` ago (and their attempts) go, through `ReplayStore.prune(updatedBefore:)`.
///
/// It runs as its own service, never on a request's path; a failed pass is logged and retried at the next interval.
/// It stops at graceful shutdown (or when its task is cancelled): a pass in progress finishes (store calls run to
/// completion), the wait between passes is cut short.
public struct ReplayStorePruner: Service {
    /// How long a finished record answers a repeat of its key: 24 hours.
    public static let defaultRetention: Duration = .seconds(24 * 60 * 60)
    /// How often the pruner runs: every 10 minutes.
    public static let defaultInterval: Duration = .seconds(10 * 60)

    private let store: any ReplayStore
    private let clock: any ReplayClock
    private let interval: Duration
    private let retention: Duration
    private let logger: Logger

    /// Creates the pruner.
    ///
    /// - Parameters:
    ///   - store: the store to prune.
    ///   - clock: wall time for the cutoff (`wallNowMilliseconds()`), and the wait between passes (`sleep(for:)`).
    ///   - interval: the wait between passes; at least one second (a shorter value is raised to one second).
    ///   - retention: how long after its last change a record is kept; negative values count as zero.
    ///   - logger: where each pass reports how many records it deleted.
    public init(
        store: any ReplayStore,
        clock: any ReplayClock,
        interval: Duration = ReplayStorePruner.defaultInterval,
        retention: Duration = ReplayStorePruner.defaultRetention,
        logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.interval = max(interval, .seconds(1))
        self.retention = max(retention, .zero)
        self.logger = logger
    }

    /// Prunes at once, then every `interval`, until graceful shutdown or cancellation. Never throws.
    public func run() async throws {
        logger.debug(
            "replay store pruner started",
            metadata: ["interval": "\(interval)", "retention": "\(retention)"]
        )
        _ = await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await self.pruneOnce()
                do {
                    try await self.clock.sleep(for: self.interval)
                } catch {
                    return
                }
            }
        }
        logger.debug("replay store pruner stopped")
    }

    /// One pass: deletes final and indeterminate records last changed before `now - retention`.
    ///
    /// - Returns: how many records were deleted.
    /// - Throws: the store's error, after logging it.
    @discardableResult
    public func pruneOnce() async throws(StoreError) -> Int {
        let (difference, overflow) = clock.wallNowMilliseconds()
            .subtractingReportingOverflow(Self.milliseconds(retention))
        let cutoff = overflow ? Int64.min : difference
        do {
            let deleted = try await store.prune(updatedBefore: cutoff)
            logger.log(
                level: deleted > 0 ? .info : .debug,
                "pruned replay records",
                metadata: ["deleted": "\(deleted)", "updated_before": "\(cutoff)"]
            )
            return deleted
        } catch {
            logger.warning("pruning replay records failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflow || carry ? .max : total
    }
}

import Logging
import ServiceLifecycle

/// Owns every replay driver: each runs as a child task of this service's task group, inside the daemon's
/// `ServiceGroup`, instead of as a bare `Task`.
///
/// On graceful shutdown it stops accepting new drivers (a replay claimed after that stays unfinished in the store
/// and is resumed at the next start), and running drivers stop at their next durable point: an attempt already
/// sent is waited for and its result committed; a driver asleep (backoff, `Retry-After`, reconciliation) stops at
/// once. Drivers still running after `grace` are cancelled. A driver cancelled mid-attempt commits what it knows
/// (nothing sent: retry later; request bytes sent: reconcile before any retry), so the restart's crash recovery
/// (``ReplayWorker``) looks the run up before anything is re-sent.
public struct ReplayDriverService: Service {
    private let engine: ReplayEngine
    private let grace: Duration
    private let clock: any ReplayClock
    private let logger: Logger

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - grace: how long running drivers may take to reach a durable point after shutdown begins
    ///     (`[replays] shutdown_grace`).
    ///   - clock: the clock the grace period runs on.
    public init(engine: ReplayEngine, grace: Duration, clock: any ReplayClock, logger: Logger) {
        self.engine = engine
        self.grace = grace
        self.clock = clock
        self.logger = logger
    }

    private enum Ending {
        case drained
        case graceOver
    }

    /// Runs drivers until graceful shutdown (or cancellation), then drains them as described above.
    public func run() async throws {
        let drivers = engine.drivers
        let grace = self.grace
        let clock = self.clock
        let logger = self.logger
        let ending = await withTaskGroup(of: Ending.self) { group in
            group.addTask {
                await drivers.runDrivers()
                return .drained
            }
            group.addTask {
                // Throws only when this task is cancelled: then the drivers are cancelled at once too.
                let graceful = (try? await gracefulShutdown()) != nil
                let active = drivers.count
                drivers.stopAccepting()
                guard graceful else { return .graceOver }
                logger.notice(
                    "shutting down: no new replay drivers; running ones stop at their next durable point",
                    metadata: ["active": "\(active)", "grace": "\(grace)"]
                )
                try? await clock.sleep(for: grace)
                return .graceOver
            }
            let first = await group.next() ?? .drained
            let left = drivers.count
            group.cancelAll()
            await group.waitForAll()
            if first == .graceOver, left > 0 {
                logger.warning(
                    """
                    cancelled replay drivers still running after the shutdown grace period; they resume at the \
                    next start, and an attempt that may have been sent is reconciled before any retry
                    """,
                    metadata: ["cancelled": "\(left)", "grace": "\(grace)"]
                )
            }
            return first
        }
        logger.debug("replay drivers stopped", metadata: ["ending": "\(ending)"])
    }
}

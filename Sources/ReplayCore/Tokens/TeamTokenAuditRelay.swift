import Logging
import ServiceLifecycle

/// Records token creations and revocations in the audit log, as a `Service` of the daemon (which owns the log).
///
/// `replayd token` writes the state database directly, even while the daemon runs; each change is committed
/// marked "not yet audited". The relay looks for such changes every `interval` and when asked (``drain()``, after
/// a socket route's change), writes one `operator` record per change, and only then clears the mark, so a change
/// is recorded at least once even across a crash.
public final class TeamTokenAuditRelay: Service, Sendable {
    private let store: any TeamTokenStore
    private let auditor: ReplayAuditor
    private let clock: any ReplayClock
    private let interval: Duration
    private let logger: Logger

    /// Creates the relay.
    public init(
        store: any TeamTokenStore,
        auditor: ReplayAuditor,
        clock: any ReplayClock,
        interval: Duration = .seconds(1),
        logger: Logger
    ) {
        self.store = store
        self.auditor = auditor
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// Records every pending change now. Returns how many were recorded.
    @discardableResult
    public func drain() async -> Int {
        let changes: [TeamTokenChange]
        do {
            changes = try await store.unauditedTokenChanges()
        } catch {
            logger.error("cannot read token changes to audit", metadata: ["error": "\(error.message)"])
            return 0
        }
        var recorded = 0
        for change in changes {
            do {
                try await auditor.tokenChange(change)
                try await store.markAudited(change)
                recorded += 1
            } catch {
                logger.error(
                    "cannot audit a token change; will retry",
                    metadata: ["token_id": "\(change.record.id)", "action": "\(change.action.rawValue)"]
                )
                break
            }
        }
        return recorded
    }

    public func run() async throws {
        _ = await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.drain()
                do {
                    try await self.clock.sleep(for: self.interval)
                } catch {
                    return
                }
            }
        }
    }
}

import Logging
import ServiceLifecycle

/// Keeps this instance's leases (PostgreSQL fleet), as a Service: every `interval` (a third of the lease's length
/// by default) it renews the leases it holds, then takes over the records whose lease another instance let
/// expire (that instance died, hung, or lost the database), audits each takeover naming both instances, and
/// resumes them as crash recovery does: an attempt whose result was not recorded is reconciled before anything
/// is sent again.
///
/// Listed before ``ReplayDriverService`` so that it stops after the drivers have drained: the leases are renewed
/// while a driver may still write.
public struct ReplayLeaseService: Service {
    private let leases: any ReplayLeaseStore
    private let engine: ReplayEngine
    private let auditor: ReplayAuditor
    private let clock: any ReplayClock
    private let interval: Duration
    private let batch: Int
    private let logger: Logger

    /// What one round did.
    public struct Round: Sendable, Hashable {
        /// Leases this instance found lost at its renewal.
        public var lost: [LeaseLoss] = []
        /// Records it took over.
        public var takenOver: [LeaseTakeover] = []
        /// Drivers started for them (and for any other unfinished record of this instance without one).
        public var resumed = 0
        /// The store failed (the round did what it could; the next one tries again).
        public var failed = false
    }

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - interval: between rounds; `nil` is a third of `leases.leaseTTL`.
    ///   - batch: the most records one takeover statement takes (rounds take more until fewer come back).
    public init(
        leases: any ReplayLeaseStore,
        engine: ReplayEngine,
        auditor: ReplayAuditor,
        clock: any ReplayClock,
        interval: Duration? = nil,
        batch: Int = 500,
        logger: Logger
    ) {
        self.leases = leases
        self.engine = engine
        self.auditor = auditor
        self.clock = clock
        self.interval = interval ?? leases.leaseTTL / 3
        self.batch = max(1, batch)
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await round()
                guard (try? await clock.sleep(for: interval)) != nil else { return }
            }
        }
    }

    /// One round at the clock's time: renew, take over, resume. Tests call it directly.
    @discardableResult
    public func round() async -> Round {
        var round = Round()
        let instance = leases.instanceID
        let now = clock.wallNowMilliseconds()
        do {
            round.lost = try await leases.renewLeases(at: now)
        } catch {
            round.failed = true
            logger.error(
                "could not renew this instance's leases; other instances take its replays over once they expire",
                metadata: ["error": "\(error)", "lease_ttl": "\(leases.leaseTTL)"]
            )
        }
        for loss in round.lost {
            logger.warning(
                "another instance took over a replay this instance held; it sends nothing more for it",
                metadata: [
                    "key_hmac": "\(auditor.hashValue(loss.id.key))", "instance": "\(instance)",
                    "new_instance": "\(loss.newOwner ?? "none")",
                ]
            )
            do {
                try await auditor.leaseLost(loss, instance: instance)
            } catch {
                logger.error("audit log could not record a lost lease", metadata: ["error": "\(error)"])
            }
        }
        // A draining instance takes nothing over: it would not drive it.
        guard engine.acceptsNewDrivers else { return round }
        while true {
            let taken: [LeaseTakeover]
            do {
                taken = try await leases.takeOverExpiredLeases(at: now, limit: batch)
            } catch {
                round.failed = true
                logger.error("could not take over expired leases", metadata: ["error": "\(error)"])
                break
            }
            for takeover in taken {
                logger.notice(
                    "took over a replay whose lease expired; resuming it as crash recovery does",
                    metadata: [
                        "key_hmac": "\(auditor.hashValue(takeover.id.key))", "instance": "\(instance)",
                        "previous_instance": "\(takeover.previousOwner ?? "none")", "fence": "\(takeover.fence)",
                    ]
                )
                do {
                    try await auditor.leaseTakeover(takeover, instance: instance)
                } catch {
                    // The replay is this instance's now; its attempts are audited before they are sent, so a log
                    // that cannot write sends nothing.
                    logger.error("audit log could not record a lease takeover", metadata: ["error": "\(error)"])
                }
            }
            round.takenOver += taken
            if taken.count < batch { break }
        }
        guard !round.takenOver.isEmpty else { return round }
        do {
            round.resumed = try await engine.resumeUnfinished()
        } catch {
            round.failed = true
            logger.error("could not resume the replays taken over", metadata: ["error": "\(error)"])
        }
        return round
    }
}

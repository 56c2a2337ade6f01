/// The rate-limit stage: GCRA limits per principal, per (door, source), per (principal, run) and for everyone,
/// and a separate limit on reads per principal.
///
/// A replay is checked against each limit in that order, and each one that passes is charged at once; when a
/// later one refuses, the earlier charges are given back, so a refused request costs nothing. Every keyed limit
/// lives in its own ``GCRATable`` (sharded locks, LRU-bounded to `max_keys`); the global limit is one atomic
/// (``GCRACell``). No lock is shared by every request. Time is the injected clock's monotonic reading.
///
/// A reload swaps the limits in force with ``apply(_:)``, atomically (a ``ShardedSnapshot``: each check reads the
/// limits once, from the shard of its principal, so no lock is shared by every request here either). A check that
/// read the old limits finishes under them. State is kept: a key whose limit did not change keeps its TAT as it
/// is; a key whose limit changed keeps what it owes, counted in requests, repriced at the new rate and capped at
/// the new burst, the first time it is checked under the new limit (``GCRA/carry(tat:interval:now:newInterval:newTolerance:)``),
/// so a reload never hands out a fresh burst, and a raised burst gives exactly the difference. A new `max_keys`
/// resizes each table in place (``GCRATable/resize(capacity:)``).
public final class RateLimiter: Sendable {
    /// One charge taken, to give back.
    struct Charge: Sendable {
        enum Store: Sendable {
            case table(GCRATable, key: String)
            case cell(GCRACell)
        }

        var store: Store
        var limit: RateLimit
    }

    private let inForce: ShardedSnapshot<LimitsConfig>
    let clock: any ReplayClock
    private let principals: GCRATable
    private let sources: GCRATable
    private let runs: GCRATable
    private let reads: GCRATable
    private let global = GCRACell()

    /// Creates a limiter with `configuration`'s limits (an `enabled = false` configuration passes everything).
    public init(configuration: LimitsConfig, clock: any ReplayClock) {
        inForce = ShardedSnapshot(configuration)
        self.clock = clock
        principals = GCRATable(capacity: configuration.maxKeys)
        sources = GCRATable(capacity: configuration.maxKeys)
        runs = GCRATable(capacity: configuration.maxKeys)
        reads = GCRATable(capacity: configuration.maxKeys)
    }

    /// The limits in force.
    public var limits: LimitsConfig { inForce.current(for: 0) }

    /// The limits in force, read from `principal`'s shard (what a check for that principal uses).
    func limits(for principal: String) -> LimitsConfig { inForce.current(for: principal) }

    /// Puts `new` in force (a reload), atomically; see the type's documentation for what happens to the state of
    /// each key.
    public func apply(_ new: LimitsConfig) {
        let old = inForce.replace(with: new)
        if old.maxKeys != new.maxKeys {
            for table in [principals, sources, runs, reads] { table.resize(capacity: new.maxKeys) }
        }
        let oldGlobal = old.enabled ? old.global : nil
        let newGlobal = new.enabled ? new.global : nil
        switch (oldGlobal, newGlobal) {
        case (let before?, let after?) where before != after:
            global.carry(from: before, to: after, now: RateLimit.nanoseconds(clock.monotonicNow()))
        case (nil, .some(_)):
            // It was off, so nobody owed it anything.
            global.reset()
        default:
            break
        }
    }

    /// Checks and charges one request.
    public func check(_ subject: RateLimitSubject) -> RateLimitDecision {
        let configuration = inForce.current(for: subject.principal)
        guard configuration.enabled else { return .unlimited }
        let now = RateLimit.nanoseconds(clock.monotonicNow())
        var statuses: [RateLimitStatus] = []
        var charges: [Charge] = []
        for (name, limit, store) in policies(for: subject, in: configuration) {
            let result: GCRA.Result
            switch store {
            case .table(let table, let key): result = table.take(key, limit: limit, now: now)
            case .cell(let cell): result = cell.take(limit: limit, now: now)
            }
            if !result.allowed {
                for charge in charges { refund(charge, now: now) }
                statuses = statuses.map { status in
                    var status = status
                    status.remaining = min(status.limit.burst, status.remaining + 1)
                    return status
                }
                statuses.append(
                    RateLimitStatus(
                        name: name,
                        limit: limit,
                        remaining: 0,
                        resetSeconds: RateLimitStatus.seconds(ceilingOf: result.resetAfter)
                    )
                )
                return RateLimitDecision(
                    statuses: statuses,
                    refusedBy: name,
                    retryAfter: .nanoseconds(result.retryAfter),
                    charges: []
                )
            }
            charges.append(Charge(store: store, limit: limit))
            statuses.append(
                RateLimitStatus(
                    name: name,
                    limit: limit,
                    remaining: result.remaining,
                    resetSeconds: RateLimitStatus.seconds(ceilingOf: result.resetAfter)
                )
            )
        }
        return RateLimitDecision(statuses: statuses, refusedBy: nil, retryAfter: nil, charges: charges)
    }

    /// Gives back what `decision` charged: for a request answered without any work (a repeat of an idempotency
    /// key answered from the store, or a key that is in progress or was reused).
    public func refund(_ decision: RateLimitDecision) {
        guard !decision.charges.isEmpty else { return }
        let now = RateLimit.nanoseconds(clock.monotonicNow())
        for charge in decision.charges { refund(charge, now: now) }
    }

    private func refund(_ charge: Charge, now: Int64) {
        switch charge.store {
        case .table(let table, let key): table.refund(key, now: now)
        case .cell(let cell): cell.refund(limit: charge.limit, now: now)
        }
    }

    func policies(
        for subject: RateLimitSubject,
        in configuration: LimitsConfig
    ) -> [(String, RateLimit, Charge.Store)] {
        var policies: [(String, RateLimit, Charge.Store)] = []
        switch subject.kind {
        case .read:
            if let limit = configuration.readsPerPrincipal {
                policies.append(("reads", limit, .table(reads, key: subject.principal)))
            }
        case .replay:
            if let limit = configuration.principalOverrides[subject.principal] ?? configuration.perPrincipal {
                policies.append(("principal", limit, .table(principals, key: subject.principal)))
            }
            if let limit = configuration.perSource {
                policies.append(("source", limit, .table(sources, key: subject.source)))
            }
            if let limit = configuration.perRun, let run = subject.runID {
                policies.append(("run", limit, .table(runs, key: subject.principal + "\u{0}" + run)))
            }
            if let limit = configuration.global {
                policies.append(("global", limit, .cell(global)))
            }
        }
        return policies
    }

    /// Keys remembered by each keyed limit (for tests and diagnostics).
    public var trackedKeys: (principals: Int, sources: Int, runs: Int, reads: Int) {
        (principals.count, sources.count, runs.count, reads.count)
    }
}

/// The rate-limit stage: GCRA limits per principal, per (door, source), per (principal, run) and for everyone,
/// and a separate limit on reads per principal.
///
/// A replay is checked against each limit in that order, and each one that passes is charged at once; when a
/// later one refuses, the earlier charges are given back, so a refused request costs nothing. Every keyed limit
/// lives in its own ``GCRATable`` (sharded locks, LRU-bounded to `max_keys`); the global limit is one atomic
/// (``GCRACell``). No lock is shared by every request. Time is the injected clock's monotonic reading.
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

    private let configuration: LimitsConfig
    let clock: any ReplayClock
    private let principals: GCRATable
    private let sources: GCRATable
    private let runs: GCRATable
    private let reads: GCRATable
    private let global = GCRACell()

    /// Creates a limiter with `configuration`'s limits (an `enabled = false` configuration passes everything).
    public init(configuration: LimitsConfig, clock: any ReplayClock) {
        self.configuration = configuration
        self.clock = clock
        principals = GCRATable(capacity: configuration.maxKeys)
        sources = GCRATable(capacity: configuration.maxKeys)
        runs = GCRATable(capacity: configuration.maxKeys)
        reads = GCRATable(capacity: configuration.maxKeys)
    }

    /// The limits in force.
    public var limits: LimitsConfig { configuration }

    /// Checks and charges one request.
    public func check(_ subject: RateLimitSubject) -> RateLimitDecision {
        guard configuration.enabled else { return .unlimited }
        let now = RateLimit.nanoseconds(clock.monotonicNow())
        var statuses: [RateLimitStatus] = []
        var charges: [Charge] = []
        for (name, limit, store) in policies(for: subject) {
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
        case .table(let table, let key): table.refund(key, limit: charge.limit, now: now)
        case .cell(let cell): cell.refund(limit: charge.limit, now: now)
        }
    }

    func policies(for subject: RateLimitSubject) -> [(String, RateLimit, Charge.Store)] {
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

import Synchronization

/// Blocks a (source, client) pair that keeps failing authentication, before any further verification work:
/// fail2ban with a growing ban. The webhook listener feeds it failed signatures per (source, client address);
/// any other door (a team token door, say) can feed it failed tokens under its own source name.
///
/// The door asks `check` before doing any work and answers 429 with `Retry-After` while a block lasts; the
/// verdict comes back through `recordFailure` / `recordSuccess`. Blocks follow the `FailureThrottlePolicy`:
/// `threshold` failures within `window` block for `initialBlock`, each further block doubles up to `maxBlock`,
/// and a block always ends (no pair, and so no principal, is locked out for good). Failures reported while a block
/// is already in force (requests that were in flight when it started) neither count nor extend it. Pairs live in
/// shards, each with its own lock and its share of `maxTrackedClients`, so no lock is taken by every request.
/// Time comes from the injected clock's monotonic reading.
public final class VerificationFailureThrottle: Sendable {
    private struct Key: Hashable {
        var source: String
        var client: String
    }

    private struct Record {
        /// Times of the failures since the last block or success, at most `threshold` of them.
        var failures: [Duration] = []
        var lastFailure: Duration
        var blockedUntil: Duration?
        var blocks = 0
    }

    private final class Shard: Sendable {
        let records = Mutex<[Key: Record]>([:])
    }

    /// The policy in force.
    public let policy: FailureThrottlePolicy
    private let clock: any ReplayClock
    private let shards: [Shard]
    /// Pairs each shard remembers at most.
    private let perShard: Int

    /// Creates a throttle.
    public init(policy: FailureThrottlePolicy, clock: any ReplayClock) {
        self.policy = policy
        self.clock = clock
        let count = max(1, min(16, policy.maxTrackedClients))
        shards = (0..<count).map { _ in Shard() }
        perShard = max(1, policy.maxTrackedClients / count)
    }

    private func shard(for key: Key) -> Shard {
        var hasher = Hasher()
        hasher.combine(key)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))]
    }

    /// Whether `client` may send to `source` now.
    public func check(source: String, client: String) -> AdmissionDecision {
        let now = clock.monotonicNow()
        let key = Key(source: source, client: client)
        return shard(for: key).records.withLock { records in
            guard let until = records[key]?.blockedUntil, until > now else {
                return .admitted
            }
            return .refused(retryAfter: until - now)
        }
    }

    /// Counts a failed verification. Returns the length of the block it started, if it started one.
    @discardableResult
    public func recordFailure(source: String, client: String) -> Duration? {
        let now = clock.monotonicNow()
        let key = Key(source: source, client: client)
        let policy = self.policy
        let cap = perShard
        return shard(for: key).records.withLock { records in
            var record = records[key] ?? Record(lastFailure: now)
            if let until = record.blockedUntil, until > now { return nil }
            if now - record.lastFailure >= policy.forgetAfter { record = Record(lastFailure: now) }
            record.lastFailure = now
            record.failures.removeAll { now - $0 >= policy.window }
            record.failures.append(now)
            var started: Duration?
            if record.failures.count >= policy.threshold {
                record.blocks += 1
                let duration = policy.blockDuration(forBlockNumber: record.blocks)
                record.blockedUntil = now + duration
                record.failures = []
                started = duration
            }
            records[key] = record
            if records.count > cap { Self.evict(&records, now: now, policy: policy, cap: cap) }
            return started
        }
    }

    /// Clears the pair's record after a successful verification.
    public func recordSuccess(source: String, client: String) {
        let key = Key(source: source, client: client)
        _ = shard(for: key).records.withLock { $0.removeValue(forKey: key) }
    }

    /// How many (source, client) pairs are remembered now.
    public var trackedCount: Int { shards.reduce(0) { $0 + $1.records.withLock { $0.count } } }

    /// Drops forgotten pairs, then the unblocked ones that failed longest ago, then the blocks that end soonest,
    /// down to 90 % of the shard's cap so eviction does not run on every failure.
    private static func evict(
        _ records: inout [Key: Record],
        now: Duration,
        policy: FailureThrottlePolicy,
        cap: Int
    ) {
        records = records.filter { now - $0.value.lastFailure < policy.forgetAfter }
        let target = max(1, cap * 9 / 10)
        guard records.count > target else { return }
        let ordered = records.sorted { left, right in
            let leftBlocked = (left.value.blockedUntil ?? .zero) > now
            let rightBlocked = (right.value.blockedUntil ?? .zero) > now
            if leftBlocked != rightBlocked { return !leftBlocked }
            if leftBlocked { return (left.value.blockedUntil ?? .zero) < (right.value.blockedUntil ?? .zero) }
            return left.value.lastFailure < right.value.lastFailure
        }
        for (key, _) in ordered.prefix(records.count - target) { records.removeValue(forKey: key) }
    }
}

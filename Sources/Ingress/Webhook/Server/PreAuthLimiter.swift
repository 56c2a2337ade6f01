import ReplayCore
import Synchronization

/// A token bucket per source, checked before any request reaches signature verification, so a flood of forged
/// requests costs a token-bucket update each and nothing more (the listener answers 429 with `Retry-After`).
///
/// Each source has its own bucket, so a flood at one door does not close the others (nor waits on its lock). Buckets start full. Time
/// comes from the injected clock's monotonic reading.
public final class PreAuthLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: Duration
    }

    private let defaultLimit: PreAuthLimit
    private let limits: [String: PreAuthLimit]
    private let clock: any ReplayClock
    /// Buckets in shards with a lock each, so sources rarely share a lock and no lock is taken by every request.
    private let shards: [Shard] = (0..<16).map { _ in Shard() }

    private final class Shard: Sendable {
        let buckets = Mutex<[String: Bucket]>([:])
    }

    private func shard(for source: String) -> Shard {
        var hasher = Hasher()
        hasher.combine(source)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))]
    }

    /// Creates a limiter: `defaultLimit` for every source, unless `limits` names one.
    public init(defaultLimit: PreAuthLimit, limits: [String: PreAuthLimit] = [:], clock: any ReplayClock) {
        self.defaultLimit = defaultLimit
        self.limits = limits
        self.clock = clock
    }

    /// The limit that applies to `source`.
    public func limit(for source: String) -> PreAuthLimit {
        limits[source] ?? defaultLimit
    }

    /// Takes a token from `source`'s bucket, or says how long until one is there.
    public func acquire(source: String) -> AdmissionDecision {
        acquireWithStatus(source: source).decision
    }

    /// ``acquire(source:)``, and where the bucket stands afterwards, for the `RateLimit` response fields.
    public func acquireWithStatus(source: String) -> (decision: AdmissionDecision, status: RateLimitStatus) {
        let limit = self.limit(for: source)
        let now = clock.monotonicNow()
        return shard(for: source).buckets.withLock { buckets in
            var bucket = buckets[source] ?? Bucket(tokens: Double(limit.burst), updatedAt: now)
            let elapsed = max(.zero, now - bucket.updatedAt)
            bucket.tokens = min(Double(limit.burst), bucket.tokens + Self.seconds(elapsed) * limit.ratePerSecond)
            bucket.updatedAt = now
            defer { buckets[source] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return (.admitted, Self.status(limit, tokens: bucket.tokens))
            }
            let wait = (1 - bucket.tokens) / limit.ratePerSecond
            return (
                .refused(retryAfter: .nanoseconds(Int64((wait * 1e9).rounded(.up)))),
                Self.status(limit, tokens: bucket.tokens)
            )
        }
    }

    /// Where `source`'s bucket stands now, without taking a token.
    public func status(source: String) -> RateLimitStatus {
        Self.status(limit(for: source), tokens: availableTokens(source: source))
    }

    /// A bucket as a policy named `webhook`: `q` tokens per `w` seconds, `r` whole tokens left, `t` seconds until
    /// the bucket is full.
    static func status(_ limit: PreAuthLimit, tokens: Double) -> RateLimitStatus {
        let rate = limit.ratePerSecond
        let shape =
            rate >= 1
            ? RateLimit(count: Int(rate.rounded(.down)), per: .seconds(1), burst: limit.burst)
            : RateLimit(count: 1, per: .seconds(Int64((1 / rate).rounded(.up))), burst: limit.burst)
        let missing = max(0, Double(limit.burst) - tokens)
        return RateLimitStatus(
            name: "webhook",
            limit: shape,
            remaining: Int(max(0, tokens).rounded(.down)),
            resetSeconds: Int((missing / rate).rounded(.up))
        )
    }

    /// Tokens left in `source`'s bucket now (for diagnostics and tests).
    public func availableTokens(source: String) -> Double {
        let limit = self.limit(for: source)
        let now = clock.monotonicNow()
        return shard(for: source).buckets.withLock { buckets in
            guard let bucket = buckets[source] else { return Double(limit.burst) }
            let elapsed = max(.zero, now - bucket.updatedAt)
            return min(Double(limit.burst), bucket.tokens + Self.seconds(elapsed) * limit.ratePerSecond)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

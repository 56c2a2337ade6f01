/// Counts denials per (door, source, reason) and interval, so a flood becomes one record per interval.
///
/// The first denial of a key in an interval is recorded in full; later ones in the same interval are only
/// counted. When the interval has ended (seen at the next denial or at a flush) and something was counted, one
/// aggregated record carries the count. At most `maxKeys` keys are tracked; beyond that, denials are counted
/// under one overflow key per door and reason, so memory stays bounded too.
struct DenialAggregator: Sendable {
    struct Key: Sendable, Hashable {
        var door: String
        var source: String
        var reason: String
    }

    /// An interval that ended with denials counted but not yet recorded.
    struct Flushed: Sendable {
        var key: Key
        var count: Int
        var firstAt: Int64
        var lastAt: Int64
        var interval: Int64
    }

    private struct Bucket: Sendable {
        var start: Int64
        var suppressed = 0
        var firstSuppressedAt: Int64 = 0
        var lastSuppressedAt: Int64 = 0
    }

    let interval: Int64
    let maxKeys: Int
    private var buckets: [Key: Bucket] = [:]

    init(interval: Int64, maxKeys: Int = 10_000) {
        self.interval = max(1, interval)
        self.maxKeys = maxKeys
    }

    /// Notes one denial at `now` (ms). Returns whether to record it in full, and intervals that ended meanwhile.
    mutating func note(_ key: Key, at now: Int64) -> (record: Bool, flushed: [Flushed]) {
        var flushed = flush(at: now, force: false)
        var key = key
        if buckets[key] == nil, buckets.count >= maxKeys {
            key = Key(door: key.door, source: "(many sources)", reason: key.reason)
        }
        if var bucket = buckets[key] {
            if bucket.suppressed == 0 { bucket.firstSuppressedAt = now }
            bucket.suppressed += 1
            bucket.lastSuppressedAt = now
            buckets[key] = bucket
            return (false, flushed)
        }
        buckets[key] = Bucket(start: now)
        flushed.sort { $0.firstAt < $1.firstAt }
        return (true, flushed)
    }

    /// Ends every interval that is over (all of them with `force`), returning those that counted something.
    mutating func flush(at now: Int64, force: Bool) -> [Flushed] {
        var out: [Flushed] = []
        for (key, bucket) in buckets where force || now - bucket.start >= interval {
            buckets[key] = nil
            if bucket.suppressed > 0 {
                out.append(
                    Flushed(
                        key: key,
                        count: bucket.suppressed,
                        firstAt: bucket.firstSuppressedAt,
                        lastAt: bucket.lastSuppressedAt,
                        interval: interval
                    )
                )
            }
        }
        return out.sorted { $0.firstAt < $1.firstAt }
    }
}

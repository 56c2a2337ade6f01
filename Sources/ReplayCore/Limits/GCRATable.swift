import Synchronization

/// The TATs of many keys, bounded: `capacity` keys at most, split over shards that each hold their own lock and
/// their own least-recently-used order, so requests for different keys rarely meet on a lock and no request takes
/// a lock that every other request takes.
///
/// A key pushed out of its shard's LRU is forgotten; it comes back with a full burst. The least recently used key
/// is also the one whose TAT is furthest in the past, so it is the one that is most likely already full.
final class GCRATable: Sendable {
    private final class Shard: Sendable {
        let state: Mutex<LRUTATs>
        init(capacity: Int) { state = Mutex(LRUTATs(capacity: capacity)) }
    }

    private let shards: [Shard]

    /// Creates a table for up to `capacity` keys in at most `shardCount` shards of at least 16 keys each, so the
    /// keys remembered never exceed `capacity`.
    init(capacity: Int, shardCount: Int = 64) {
        let count = max(1, min(shardCount, capacity / 16))
        let perShard = max(1, capacity / count)
        shards = (0..<count).map { _ in Shard(capacity: perShard) }
    }

    private func shard(for key: String) -> Shard {
        var hasher = Hasher()
        hasher.combine(key)
        let hash = UInt(bitPattern: hasher.finalize())
        return shards[Int(hash % UInt(shards.count))]
    }

    /// Evaluates one request for `key` against `limit` at `now`, storing the new TAT when it passes.
    func take(_ key: String, limit: RateLimit, now: Int64, quantity: Int = 1) -> GCRA.Result {
        let interval = limit.intervalNanoseconds
        let tolerance = limit.toleranceNanoseconds
        return shard(for: key).state.withLock { lru in
            let tat = lru.value(for: key) ?? now
            let result = GCRA.evaluate(tat: tat, now: now, interval: interval, tolerance: tolerance, quantity: quantity)
            if result.allowed { lru.set(key, result.newTAT) }
            return result
        }
    }

    /// What ``take(_:limit:now:quantity:)`` would answer for `key` at `now`, without storing anything or counting
    /// as a use (explain).
    func peek(_ key: String, limit: RateLimit, now: Int64) -> GCRA.Result {
        let interval = limit.intervalNanoseconds
        let tolerance = limit.toleranceNanoseconds
        return shard(for: key).state.withLock { lru in
            GCRA.evaluate(
                tat: lru.value(for: key, touch: false) ?? now,
                now: now,
                interval: interval,
                tolerance: tolerance
            )
        }
    }

    /// Gives back `quantity` requests taken for `key` (a request refused by a later limit, or answered from the
    /// idempotency store without any work).
    func refund(_ key: String, limit: RateLimit, now: Int64, quantity: Int = 1) {
        let cost = limit.intervalNanoseconds * Int64(quantity)
        shard(for: key).state.withLock { lru in
            guard let tat = lru.value(for: key, touch: false) else { return }
            lru.set(key, max(now, tat - cost), touch: false)
        }
    }

    /// Keys remembered now.
    var count: Int { shards.reduce(0) { $0 + $1.state.withLock { $0.count } } }
}

/// A fixed-capacity map from key to TAT with least-recently-used eviction, O(1) per operation: a dictionary into
/// slots of a doubly linked list kept in arrays.
struct LRUTATs {
    private var slots: [String: Int] = [:]
    private var keys: [String] = []
    private var values: [Int64] = []
    private var previous: [Int] = []
    private var next: [Int] = []
    /// Most recently used slot, or -1.
    private var head = -1
    /// Least recently used slot, or -1.
    private var tail = -1
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { slots.count }

    /// The value of `key`; a read counts as a use unless `touch` is false.
    mutating func value(for key: String, touch: Bool = true) -> Int64? {
        guard let slot = slots[key] else { return nil }
        if touch { moveToFront(slot) }
        return values[slot]
    }

    /// Sets `key`, evicting the least recently used key when full.
    mutating func set(_ key: String, _ value: Int64, touch: Bool = true) {
        if let slot = slots[key] {
            values[slot] = value
            if touch { moveToFront(slot) }
            return
        }
        let slot: Int
        if keys.count < capacity {
            slot = keys.count
            keys.append(key)
            values.append(value)
            previous.append(-1)
            next.append(-1)
        } else {
            slot = tail
            unlink(slot)
            slots.removeValue(forKey: keys[slot])
            keys[slot] = key
            values[slot] = value
        }
        slots[key] = slot
        linkAtFront(slot)
    }

    private mutating func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let before = previous[slot]
        let after = next[slot]
        if before >= 0 { next[before] = after } else { head = after }
        if after >= 0 { previous[after] = before } else { tail = before }
        previous[slot] = -1
        next[slot] = -1
    }

    private mutating func linkAtFront(_ slot: Int) {
        previous[slot] = -1
        next[slot] = head
        if head >= 0 { previous[head] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}

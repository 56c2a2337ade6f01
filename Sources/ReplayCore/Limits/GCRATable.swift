import Synchronization

/// The TATs of many keys, bounded: `capacity` keys at most, split over shards that each hold their own lock and
/// their own least-recently-used order, so requests for different keys rarely meet on a lock and no request takes
/// a lock that every other request takes.
///
/// A key pushed out of its shard's LRU is forgotten; it comes back with a full burst. The least recently used key
/// is also the one whose TAT is furthest in the past, so it is the one that is most likely already full.
final class GCRATable: Sendable {
    private final class Shard: Sendable {
        let state: Mutex<LRUMap<GCRAEntry>>
        init(capacity: Int) { state = Mutex(LRUMap(capacity: capacity)) }
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

    /// Evaluates one request for `key` against `limit` at `now`, storing the new TAT when it passes. A key last
    /// charged under another limit (a reload changed it) is carried over first (``GCRA/carry(tat:interval:now:newInterval:newTolerance:)``).
    func take(_ key: String, limit: RateLimit, now: Int64, quantity: Int = 1) -> GCRA.Result {
        let interval = limit.intervalNanoseconds
        let tolerance = limit.toleranceNanoseconds
        return shard(for: key).state.withLock { lru in
            var tat = now
            if let entry = lru.value(for: key) {
                tat = GCRA.carry(
                    tat: entry.tat,
                    interval: entry.interval,
                    now: now,
                    newInterval: interval,
                    newTolerance: tolerance
                )
                if entry.interval != interval || tat != entry.tat {
                    lru.set(key, GCRAEntry(tat: tat, interval: interval), touch: false)
                }
            }
            let result = GCRA.evaluate(tat: tat, now: now, interval: interval, tolerance: tolerance, quantity: quantity)
            if result.allowed { lru.set(key, GCRAEntry(tat: result.newTAT, interval: interval)) }
            return result
        }
    }

    /// What ``take(_:limit:now:quantity:)`` would answer for `key` at `now`, without storing anything or counting
    /// as a use (explain).
    func peek(_ key: String, limit: RateLimit, now: Int64) -> GCRA.Result {
        let interval = limit.intervalNanoseconds
        let tolerance = limit.toleranceNanoseconds
        return shard(for: key).state.withLock { lru in
            let tat =
                lru.value(for: key, touch: false).map {
                    GCRA.carry(
                        tat: $0.tat,
                        interval: $0.interval,
                        now: now,
                        newInterval: interval,
                        newTolerance: tolerance
                    )
                } ?? now
            return GCRA.evaluate(tat: tat, now: now, interval: interval, tolerance: tolerance)
        }
    }

    /// Gives back `quantity` requests taken for `key` (a request refused by a later limit, or answered from the
    /// idempotency store without any work), each worth the interval the key is charged at now.
    func refund(_ key: String, now: Int64, quantity: Int = 1) {
        shard(for: key).state.withLock { lru in
            guard let entry = lru.value(for: key, touch: false) else { return }
            let cost = entry.interval.multipliedReportingOverflow(by: Int64(quantity)).partialValue
            lru.set(key, GCRAEntry(tat: max(now, entry.tat - cost), interval: entry.interval), touch: false)
        }
    }

    /// Keys remembered now.
    var count: Int { shards.reduce(0) { $0 + $1.state.withLock { $0.count } } }

    /// Changes the most keys remembered to `capacity` (a reload of `max_keys`), shard by shard, each under its own
    /// lock. The number of shards stays the one chosen at start; each shard's share becomes `capacity / shards`
    /// (at least 1), so the keys remembered never exceed `capacity`. Growing keeps every key; shrinking keeps each
    /// shard's most recently used keys and forgets the rest (they come back with a full burst, as after an
    /// eviction).
    func resize(capacity: Int) {
        let perShard = max(1, capacity / shards.count)
        for shard in shards { shard.state.withLock { $0.resize(capacity: perShard) } }
    }
}

/// A map from key to TAT alone (the form the LRU was first written for).
typealias LRUTATs = LRUMap<Int64>

/// A fixed-capacity map from key to value (a key's GCRA state) with least-recently-used eviction, O(1) per
/// operation: a dictionary into slots of a doubly linked list kept in arrays.
struct LRUMap<Value> {
    private var slots: [String: Int] = [:]
    private var keys: [String] = []
    private var values: [Value] = []
    private var previous: [Int] = []
    private var next: [Int] = []
    /// Most recently used slot, or -1.
    private var head = -1
    /// Least recently used slot, or -1.
    private var tail = -1
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Changes the capacity: growing keeps everything, shrinking keeps the `capacity` most recently used keys in
    /// their order.
    mutating func resize(capacity newCapacity: Int) {
        let newCapacity = max(1, newCapacity)
        guard newCapacity < slots.count else {
            capacity = newCapacity
            return
        }
        var kept: [(String, Value)] = []
        kept.reserveCapacity(newCapacity)
        var slot = head
        while slot >= 0, kept.count < newCapacity {
            kept.append((keys[slot], values[slot]))
            slot = next[slot]
        }
        var rebuilt = LRUMap(capacity: newCapacity)
        for (key, value) in kept.reversed() { rebuilt.set(key, value) }
        self = rebuilt
    }

    var count: Int { slots.count }

    /// The value of `key`; a read counts as a use unless `touch` is false.
    mutating func value(for key: String, touch: Bool = true) -> Value? {
        guard let slot = slots[key] else { return nil }
        if touch { moveToFront(slot) }
        return values[slot]
    }

    /// Sets `key`, evicting the least recently used key when full.
    mutating func set(_ key: String, _ value: Value, touch: Bool = true) {
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

import Synchronization

/// A value that a reload replaces whole and that many requests read at once, without a lock that every request
/// takes: a copy of it sits in each of several shards, each behind its own lock. A reader takes the one lock of
/// the shard its key hashes to; ``replace(with:)`` takes every shard's lock in order and writes each copy while it
/// holds them all, so the swap is atomic: once any reader has seen the new value, every later reader sees it.
///
/// Used for settings that the hot path reads on every request (the rate limiter's policies, the team door's
/// trusted proxies), where one lock shared by all requests would serialise them.
public final class ShardedSnapshot<Value: Sendable>: Sendable {
    private final class Shard: Sendable {
        let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
    }

    private let shards: [Shard]

    /// Starts with `initial` in `shardCount` shards (at least 1).
    public init(_ initial: Value, shardCount: Int = 16) {
        shards = (0..<max(1, shardCount)).map { _ in Shard(initial) }
    }

    /// The value in force, read from the shard `key` hashes to.
    public func current(for key: some Hashable) -> Value {
        var hasher = Hasher()
        hasher.combine(key)
        let index = Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))
        return shards[index].value.withLock { $0 }
    }

    /// Puts `new` in force in every shard at once and returns the value it replaced.
    @discardableResult
    public func replace(with new: Value) -> Value {
        replace(from: 0, with: new)
    }

    /// Locks shard `index`, writes it, and recurses into the next one while holding it: every lock is held when
    /// the last copy is written, and only then released.
    private func replace(from index: Int, with new: Value) -> Value {
        shards[index].value.withLock { value in
            let old = value
            value = new
            if index + 1 < shards.count { _ = replace(from: index + 1, with: new) }
            return old
        }
    }
}

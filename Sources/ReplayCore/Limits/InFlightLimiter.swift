import Synchronization

/// The per-principal concurrency cap: how many replays one principal may have waiting for their answer at once,
/// so that one caller's flood cannot hold all of replayd's capacity. Counts live in sharded locks; a principal
/// with nothing in flight takes no memory.
public final class InFlightLimiter: Sendable {
    private final class Shard: Sendable {
        let counts = Mutex<[String: Int]>([:])
    }

    /// The most in flight per principal.
    public let maxPerPrincipal: Int
    private let shards: [Shard]

    /// Creates a cap of `maxPerPrincipal` (at least 1).
    public init(maxPerPrincipal: Int, shardCount: Int = 32) {
        self.maxPerPrincipal = max(1, maxPerPrincipal)
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
    }

    private func shard(for principal: String) -> Shard {
        var hasher = Hasher()
        hasher.combine(principal)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))]
    }

    /// Takes a slot for `principal`; `false` when it holds `maxPerPrincipal` already.
    public func acquire(_ principal: String) -> Bool {
        let cap = maxPerPrincipal
        return shard(for: principal).counts.withLock { counts in
            let held = counts[principal, default: 0]
            guard held < cap else { return false }
            counts[principal] = held + 1
            return true
        }
    }

    /// Gives back a slot taken by `acquire`.
    public func release(_ principal: String) {
        shard(for: principal).counts.withLock { counts in
            let left = counts[principal, default: 1] - 1
            counts[principal] = left > 0 ? left : nil
        }
    }

    /// Slots `principal` holds now.
    public func inFlight(_ principal: String) -> Int {
        shard(for: principal).counts.withLock { $0[principal, default: 0] }
    }
}

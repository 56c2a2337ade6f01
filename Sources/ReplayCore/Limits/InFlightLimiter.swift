import Synchronization

/// The per-principal concurrency cap: how many replays one principal may have waiting for their answer at once,
/// so that one caller's flood cannot hold all of replayd's capacity. Counts live in sharded locks; a principal
/// with nothing in flight takes no memory.
///
/// A reload changes the cap with ``apply(maxPerPrincipal:)``: it is one atomic, read by each `acquire`, so a new cap
/// applies to the next request. Requests in flight keep their slots and finish; a principal above a lowered cap
/// gets no new slot until enough of them have finished.
public final class InFlightLimiter: Sendable {
    private final class Shard: Sendable {
        let counts = Mutex<[String: Int]>([:])
    }

    private let cap: Atomic<Int>
    private let shards: [Shard]

    /// The most in flight per principal, now.
    public var maxPerPrincipal: Int { cap.load(ordering: .relaxed) }

    /// Creates a cap of `maxPerPrincipal` (at least 1).
    public init(maxPerPrincipal: Int, shardCount: Int = 32) {
        cap = Atomic(max(1, maxPerPrincipal))
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
    }

    /// Puts a new cap in force (a reload), at least 1: for the next `acquire`, not for slots already held.
    public func apply(maxPerPrincipal: Int) {
        cap.store(max(1, maxPerPrincipal), ordering: .relaxed)
    }

    private func shard(for principal: String) -> Shard {
        var hasher = Hasher()
        hasher.combine(principal)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))]
    }

    /// Takes a slot for `principal`; `false` when it holds `maxPerPrincipal` already.
    public func acquire(_ principal: String) -> Bool {
        let limit = maxPerPrincipal
        return shard(for: principal).counts.withLock { counts in
            let held = counts[principal, default: 0]
            guard held < limit else { return false }
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

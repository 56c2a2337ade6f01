import Synchronization

/// One GCRA key without a lock: the TAT in an atomic, updated by compare-and-exchange. Used for the global limit,
/// which every replay passes, so that it is never a lock every request waits on.
final class GCRACell: Sendable {
    private let tat = Atomic<Int64>(Int64.min)

    init() {}

    /// Evaluates one request against `limit` at `now`, storing the new TAT when it passes.
    /// What ``take(limit:now:quantity:)`` would answer at `now`, without storing anything (explain).
    func peek(limit: RateLimit, now: Int64) -> GCRA.Result {
        let current = tat.load(ordering: .relaxed)
        return GCRA.evaluate(
            tat: current == Int64.min ? now : current,
            now: now,
            interval: limit.intervalNanoseconds,
            tolerance: limit.toleranceNanoseconds
        )
    }

    func take(limit: RateLimit, now: Int64, quantity: Int = 1) -> GCRA.Result {
        let interval = limit.intervalNanoseconds
        let tolerance = limit.toleranceNanoseconds
        var current = tat.load(ordering: .relaxed)
        while true {
            let result = GCRA.evaluate(
                tat: current == Int64.min ? now : current,
                now: now,
                interval: interval,
                tolerance: tolerance,
                quantity: quantity
            )
            guard result.allowed else { return result }
            let (exchanged, original) = tat.compareExchange(
                expected: current,
                desired: result.newTAT,
                ordering: .acquiringAndReleasing
            )
            if exchanged { return result }
            current = original
        }
    }

    /// Gives back `quantity` requests.
    func refund(limit: RateLimit, now: Int64, quantity: Int = 1) {
        let cost = limit.intervalNanoseconds * Int64(quantity)
        var current = tat.load(ordering: .relaxed)
        while current != Int64.min {
            let (exchanged, original) = tat.compareExchange(
                expected: current,
                desired: max(now, current - cost),
                ordering: .acquiringAndReleasing
            )
            if exchanged { return }
            current = original
        }
    }
}

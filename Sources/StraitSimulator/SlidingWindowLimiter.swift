/// httprate's sliding-window counter, used by Strait for the per-IP limit and modelled here for the per-key
/// limit too. Windows are aligned to multiples of the window length; the rate is
/// `previous × (window − elapsed) / window + current`, rounded, and a request is refused when `rate + 1 > limit`.
/// Refused requests are not counted.
struct SlidingWindowLimiter: Sendable {
    /// The outcome of one attempt.
    struct Decision: Sendable, Hashable {
        /// Whether the request may proceed.
        var allowed: Bool
        /// The limit in force (`X-RateLimit-Limit`).
        var limit: Int
        /// Requests left in the window (`X-RateLimit-Remaining`), as httprate computes it.
        var remaining: Int
        /// Monotonic time until the current window ends (for `X-RateLimit-Reset`).
        var untilWindowEnd: Duration
    }

    private struct Counter: Sendable {
        var windowIndex: Int64
        var current: Int
        var previous: Int
    }

    private var counters: [String: Counter] = [:]

    /// Counts one request for `key` at monotonic time `now`, unless it is over `limit`.
    mutating func attempt(key: String, limit: SimulatorConfiguration.RateLimit, now: Duration) -> Decision {
        let windowNanos = max(1, limit.window.totalNanoseconds)
        let nowNanos = max(0, now.totalNanoseconds)
        let index = nowNanos / windowNanos
        let elapsed = nowNanos - index * windowNanos

        var counter = counters[key] ?? Counter(windowIndex: index, current: 0, previous: 0)
        if counter.windowIndex == index - 1 {
            counter = Counter(windowIndex: index, current: 0, previous: counter.current)
        } else if counter.windowIndex != index {
            counter = Counter(windowIndex: index, current: 0, previous: 0)
        }

        let weight = Double(windowNanos - elapsed) / Double(windowNanos)
        let rate = Int((Double(counter.previous) * weight + Double(counter.current)).rounded(.toNearestOrAwayFromZero))
        let untilEnd = Duration.nanoseconds(windowNanos - elapsed)
        guard rate + 1 <= limit.requests else {
            counters[key] = counter
            return Decision(
                allowed: false,
                limit: limit.requests,
                remaining: limit.requests - rate,
                untilWindowEnd: untilEnd
            )
        }
        counter.current += 1
        counters[key] = counter
        return Decision(
            allowed: true,
            limit: limit.requests,
            remaining: limit.requests - rate - 1,
            untilWindowEnd: untilEnd
        )
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating far outside the simulator's range).
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }
}

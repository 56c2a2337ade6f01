/// httprate's sliding-window counter, used by Strait for the per-IP limit and modelled here for the per-key
/// limit too. Windows are aligned to multiples of the window length; the rate is
/// `previous × (window − elapsed) / window + current`, rounded, and a request is refused when `rate + 1 > limit`.
/// Refused requests are not counted.
///
/// Public so that pacing tests and benchmarks can hold a client to the exact limit the simulator enforces.
public struct SlidingWindowLimiter: Sendable {
    /// The outcome of one attempt.
    public struct Decision: Sendable, Hashable {
        /// Whether the request may proceed.
        public var allowed: Bool
        /// The limit in force (`X-RateLimit-Limit`).
        public var limit: Int
        /// Requests left in the window (`X-RateLimit-Remaining`), as httprate computes it.
        public var remaining: Int
        /// Monotonic time until the current window ends (for `X-RateLimit-Reset`).
        public var untilWindowEnd: Duration
    }

    private struct Counter: Sendable {
        var windowIndex: Int64
        var current: Int
        var previous: Int
    }

    private var counters: [String: Counter] = [:]

    /// Creates a limiter that has counted nothing.
    public init() {}

    /// Counts one request for `key` at monotonic time `now`, unless it is over `limit`.
    public mutating func attempt(key: String, limit: SimulatorConfiguration.RateLimit, now: Duration) -> Decision {
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

extension SlidingWindowLimiter {
    /// The earliest time, from monotonic time `start`, by which `count` requests can all have been allowed under
    /// `limit` by a fresh limiter: what a client that knew this limiter exactly would achieve by sending each
    /// request at the first instant it passes (searched at `resolution`). It depends on `start` modulo the
    /// window, because windows are aligned.
    public static func minimumTime(
        count: Int,
        limit: SimulatorConfiguration.RateLimit,
        start: Duration,
        resolution: Duration = .milliseconds(10)
    ) -> Duration {
        guard count > 0, limit.isEnabled else { return .zero }
        var limiter = SlidingWindowLimiter()
        var now = start
        var sent = 0
        while true {
            while limiter.attempt(key: "", limit: limit, now: now).allowed {
                sent += 1
                if sent == count { return now - start }
            }
            now += resolution
        }
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

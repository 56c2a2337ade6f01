extension Duration {
    /// Whole nanoseconds, for the limiter model's integer arithmetic.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// A small model of httprate's sliding-window counter, which the spec says Strait uses (and the simulator models
/// for the per-key limit): windows aligned to multiples of `window`, rate = `previous × (window − elapsed) /
/// window + current`, rounded; a request is refused when `rate + 1 > limit`, and refused requests are not counted.
struct SlidingWindowCounterModel {
    let limit: Int
    let window: Duration
    private var index: Int64 = 0
    private var current = 0
    private var previous = 0

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// One request at monotonic time `now`: whether it is allowed and the `X-RateLimit-Remaining` Strait sends.
    mutating func attempt(at now: Duration) -> (allowed: Bool, remaining: Int) {
        let windowNanos = window.nanoseconds
        let nowNanos = now.nanoseconds
        let newIndex = nowNanos / windowNanos
        if newIndex == index + 1 {
            previous = current
            current = 0
        } else if newIndex != index {
            previous = 0
            current = 0
        }
        index = newIndex
        let elapsed = nowNanos - newIndex * windowNanos
        let weight = Double(windowNanos - elapsed) / Double(windowNanos)
        let rate = Int((Double(previous) * weight + Double(current)).rounded(.toNearestOrAwayFromZero))
        guard rate + 1 <= limit else { return (false, max(0, limit - rate)) }
        current += 1
        return (true, max(0, limit - rate - 1))
    }

    /// The earliest time, from `start`, by which `count` requests can all have been allowed: a client that knows
    /// this model exactly and sends each request at the first instant it would pass (10 ms resolution).
    static func minimumTime(count: Int, limit: Int, window: Duration, start: Duration) -> Duration {
        var model = SlidingWindowCounterModel(limit: limit, window: window)
        var now = start
        var sent = 0
        while true {
            while model.attempt(at: now).allowed {
                sent += 1
                if sent == count { return now - start }
            }
            now += .milliseconds(10)
        }
    }
}

/// The generic cell rate algorithm on one stored value, the theoretical arrival time (TAT), in nanoseconds of a
/// monotonic clock. No refill timer: the state of a key is its TAT alone.
///
/// With `T` the emission interval and `τ = T × burst`: `TAT' = max(TAT, now) + T × quantity`; the request passes
/// when `TAT' − τ ≤ now`; otherwise it may pass after `TAT' − τ − now`.
public enum GCRA {
    /// The verdict on one request against one limit.
    public struct Result: Sendable, Hashable {
        /// Whether the request passes.
        public var allowed: Bool
        /// The TAT to store when it passes (unchanged when it does not).
        public var newTAT: Int64
        /// Requests that would pass right now after this one (0 when refused).
        public var remaining: Int
        /// Nanoseconds until a request may pass (0 when this one passed).
        public var retryAfter: Int64
        /// Nanoseconds until the limit is back to its full burst.
        public var resetAfter: Int64
    }

    /// Evaluates `quantity` requests at `now` against `tat` (a key never seen is `tat == now` or earlier).
    public static func evaluate(
        tat: Int64,
        now: Int64,
        interval: Int64,
        tolerance: Int64,
        quantity: Int = 1
    )
        -> Result
    {
        let base = max(tat, now)
        let cost = interval.multipliedReportingOverflow(by: Int64(quantity)).partialValue
        let newTAT = base.addingReportingOverflow(cost).partialValue
        let allowAt = newTAT - tolerance
        if allowAt <= now {
            let remaining = (tolerance - (newTAT - now)) / interval
            return Result(
                allowed: true,
                newTAT: newTAT,
                remaining: Int(max(0, remaining)),
                retryAfter: 0,
                resetAfter: newTAT - now
            )
        }
        return Result(allowed: false, newTAT: tat, remaining: 0, retryAfter: allowAt - now, resetAfter: base - now)
    }
}

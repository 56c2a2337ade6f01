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

    /// The TAT of a key after its limit changed (a reload) from one with emission interval `interval` to one with
    /// `newInterval` and tolerance `newTolerance`, at `now`: what the key owes is kept, counted in requests and
    /// priced at the new interval, and capped at the new tolerance. A key that owes nothing is left as it is (it
    /// gets the new full burst, as it would have had the old one); a key that used `n` requests of its burst has
    /// used `n` of the new one; one that used more than the new burst is full, and waits one new interval.
    /// So nobody gains a burst by a reload, and a raised burst gives exactly the difference.
    ///
    /// With the interval unchanged this only caps the TAT (a no-op when the tolerance did not shrink either).
    /// Fractions of a request owed are rounded up, to the nanosecond, in the key's disfavour.
    public static func carry(
        tat: Int64,
        interval: Int64,
        now: Int64,
        newInterval: Int64,
        newTolerance: Int64
    )
        -> Int64
    {
        guard tat > now else { return tat }
        let owed = tat - now
        let cap = max(0, newTolerance)
        guard interval != newInterval, interval > 0, newInterval > 0 else {
            return now.addingReportingOverflow(min(owed, cap)).partialValue
        }
        // owed × newInterval / interval, exactly (128-bit), unless it is past the cap (or Int64) anyway.
        let estimate = Double(owed) / Double(interval) * Double(newInterval)
        if estimate >= Double(cap) || estimate >= 9e18 { return now.addingReportingOverflow(cap).partialValue }
        let product = owed.multipliedFullWidth(by: newInterval)
        let (quotient, remainder) = interval.dividingFullWidth(product)
        let repriced = quotient + (remainder > 0 ? 1 : 0)
        return now.addingReportingOverflow(min(repriced, cap)).partialValue
    }
}

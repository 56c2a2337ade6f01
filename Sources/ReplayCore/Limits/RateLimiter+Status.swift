extension RateLimiter {
    /// Where the replay limits stand for a caller a door knows only in part, without charging anything: the
    /// `RateLimit-Policy` and `RateLimit` fields of an answer that was not checked against a limit (an early
    /// refusal, an unauthenticated route).
    ///
    /// `principal` (a principal's name) and `source` (the limiter's key, `socket/uid:1000`) are left out when
    /// the door does not know them; `global` applies to everyone. `r` counts the next request (0: it would be
    /// refused); `t` is the seconds until the full burst is back. Empty when limits are off.
    public func status(principal: String?, source: String?) -> [RateLimitStatus] {
        let configuration = limits(for: principal ?? "")
        guard configuration.enabled else { return [] }
        let now = RateLimit.nanoseconds(clock.monotonicNow())
        let subject = RateLimitSubject(kind: .replay, principal: principal ?? "", source: source ?? "")
        return policies(for: subject, in: configuration).compactMap { name, limit, store -> RateLimitStatus? in
            if name == "principal", principal == nil { return nil }
            if name == "source", source == nil { return nil }
            let result: GCRA.Result
            switch store {
            case .table(let table, let key): result = table.peek(key, limit: limit, now: now)
            case .cell(let cell): result = cell.peek(limit: limit, now: now)
            }
            // A peek evaluates one more request: when it would pass, the stored state is one interval earlier.
            let reset = result.allowed ? result.resetAfter - limit.intervalNanoseconds : result.resetAfter
            return RateLimitStatus(
                name: name,
                limit: limit,
                remaining: result.allowed ? result.remaining + 1 : 0,
                resetSeconds: RateLimitStatus.seconds(ceilingOf: reset)
            )
        }
    }
}

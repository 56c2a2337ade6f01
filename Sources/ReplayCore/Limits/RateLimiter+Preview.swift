extension RateLimiter: ReplayLimiterPreview {
    /// Each limit that applies to the replay, as ``check(_:)`` would find it now, without charging anything: the
    /// limits explain and dry-run show. `remaining` counts this request (0: it would be refused, 429).
    public func peek(_ principal: Principal, _ request: ReplayRequest) async -> [LimitState] {
        guard limits.enabled else { return [] }
        let now = RateLimit.nanoseconds(clock.monotonicNow())
        return policies(for: .replay(request, principal: principal)).map { name, limit, store in
            let result: GCRA.Result
            switch store {
            case .table(let table, let key): result = table.peek(key, limit: limit, now: now)
            case .cell(let cell): result = cell.peek(limit: limit, now: now)
            }
            return LimitState(
                name: name,
                quota: limit.count,
                window: limit.period,
                remaining: result.allowed ? result.remaining + 1 : 0,
                retryAfter: result.allowed ? nil : .nanoseconds(result.retryAfter)
            )
        }
    }
}

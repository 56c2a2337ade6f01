extension ReplayPipeline {
    /// The replay limits as they stand for what a door knows about a caller, peeked without charging: the
    /// rate-limit fields of an answer that passed no limit.
    ///
    /// - Parameters:
    ///   - principal: the caller's principal, when known (its `principal` limit, and its source when `source` is
    ///     not given).
    ///   - door: the door the request came through.
    ///   - source: where on `door` it came from (`uid:1000`, a webhook source's name), when known.
    /// - Returns: `principal`, `source` and `global`, each when it applies and is known; empty without limits.
    public func rateLimitStatus(principal: Principal?, door: RequestOrigin.Door, source: String?) -> [RateLimitStatus] {
        guard let limiter else { return [] }
        let key: String? =
            if let source {
                "\(door.rawValue)/\(source)"
            } else {
                principal.map { RateLimitSubject.source(door: door, source: nil, principal: $0) }
            }
        return limiter.status(principal: principal?.name, source: key)
    }
}

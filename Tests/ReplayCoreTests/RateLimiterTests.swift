import Testing

@testable import ReplayCore

/// The GCRA limiter on a manual clock: the burst edge, `retry_after`, recovery, refunds, and bounded memory.
@Suite struct RateLimiterTests {
    private static let alice = Principal(
        name: "alice",
        authentication: .unixPeer(PeerCredentials(uid: 1000, gid: 1000, pid: 1), matchedBy: "uid 1000")
    )

    private func subject(_ principal: String = "alice", run: String = "run_1") -> RateLimitSubject {
        RateLimitSubject(kind: .replay, principal: principal, source: "socket/uid:1000", runID: run)
    }

    /// Only the per-principal limit, 30 per minute with a burst of 5: one request costs 2 s.
    private func principalOnly(_ limit: RateLimit = RateLimit(count: 30, per: .seconds(60), burst: 5)) -> LimitsConfig {
        LimitsConfig(perPrincipal: limit, perSource: nil, perRun: nil, global: nil, readsPerPrincipal: nil)
    }

    @Test func exactlyTheBurstPassesAtOnceThenRetryAfterIsOneInterval() {
        let clock = ManualReplayClock()
        let limiter = RateLimiter(configuration: principalOnly(), clock: clock)
        for index in 0..<5 {
            let decision = limiter.check(subject())
            #expect(decision.allowed, "request \(index)")
            #expect(decision.statuses.first?.remaining == 4 - index)
        }
        let refused = limiter.check(subject())
        #expect(!refused.allowed)
        #expect(refused.refusedBy == "principal")
        #expect(refused.retryAfter == .seconds(2))
        #expect(refused.retryAfterSeconds == 2)
        #expect(refused.statuses.last?.remaining == 0)
        // Still refused a moment before the interval is up, with the rest of it to wait.
        clock.advance(by: .milliseconds(1500))
        let early = limiter.check(subject())
        #expect(early.retryAfter == .milliseconds(500))
        #expect(early.retryAfterSeconds == 1)
        clock.advance(by: .milliseconds(500))
        #expect(limiter.check(subject()).allowed)
        #expect(!limiter.check(subject()).allowed)
        // After a whole quiet period the full burst is back, and no more.
        clock.advance(by: .seconds(60))
        for _ in 0..<5 { #expect(limiter.check(subject()).allowed) }
        #expect(!limiter.check(subject()).allowed)
    }

    @Test func retryAfterAndResetFollowTheGCRAFormulas() {
        // T = 1 s, τ = 3 s. After three at t=0: TAT = 3 s. A fourth: TAT' = 4 s; retry = TAT' − τ − now = 1 s.
        let interval: Int64 = 1_000_000_000
        let tolerance = 3 * interval
        var tat: Int64 = 0
        for _ in 0..<3 {
            let result = GCRA.evaluate(tat: tat, now: 0, interval: interval, tolerance: tolerance)
            #expect(result.allowed)
            tat = result.newTAT
        }
        #expect(tat == 3 * interval)
        let refused = GCRA.evaluate(tat: tat, now: 0, interval: interval, tolerance: tolerance)
        #expect(!refused.allowed)
        #expect(refused.retryAfter == interval)
        #expect(refused.resetAfter == 3 * interval)
        #expect(refused.newTAT == tat)
        // Half an interval later: retry = 4 − 3 − 0.5 = 0.5 s; a request of 2 needs 1.5 s.
        let later = GCRA.evaluate(tat: tat, now: interval / 2, interval: interval, tolerance: tolerance)
        #expect(later.retryAfter == interval / 2)
        let double = GCRA.evaluate(tat: tat, now: interval / 2, interval: interval, tolerance: tolerance, quantity: 2)
        #expect(double.retryAfter == 3 * interval / 2)
        // A long-idle key is full: reset_after is one interval after one request, remaining burst − 1.
        let idle = GCRA.evaluate(tat: 0, now: 100 * interval, interval: interval, tolerance: tolerance)
        #expect(idle.allowed && idle.remaining == 2 && idle.resetAfter == interval)
    }

    @Test func principalsAreLimitedApartAndAGlobalLimitCoversEveryone() {
        let clock = ManualReplayClock()
        let configuration = LimitsConfig(
            perPrincipal: RateLimit(count: 60, per: .seconds(60), burst: 2),
            perSource: nil,
            perRun: nil,
            global: RateLimit(count: 4, per: .seconds(1), burst: 4),
            readsPerPrincipal: nil
        )
        let limiter = RateLimiter(configuration: configuration, clock: clock)
        #expect(limiter.check(subject("alice")).allowed)
        #expect(limiter.check(subject("alice")).allowed)
        #expect(limiter.check(subject("alice")).refusedBy == "principal")
        #expect(limiter.check(subject("bob")).allowed)
        // The global limit (burst 4) has one left; carol takes it, dave is refused by it and charged nothing.
        #expect(limiter.check(subject("carol")).allowed)
        let dave = limiter.check(subject("dave"))
        #expect(dave.refusedBy == "global")
        #expect(dave.statuses.map(\.name) == ["principal", "global"])
        #expect(dave.statuses.first?.remaining == 2)
        clock.advance(by: .seconds(1))
        #expect(limiter.check(subject("dave")).allowed)
        #expect(limiter.check(subject("dave")).allowed)
    }

    @Test func perRunAndPerSourceLimitsKeyByRunAndSource() {
        let clock = ManualReplayClock()
        let configuration = LimitsConfig(
            perPrincipal: nil,
            perSource: RateLimit(count: 10, per: .seconds(10), burst: 3),
            perRun: RateLimit(count: 1, per: .seconds(10), burst: 1),
            global: nil,
            readsPerPrincipal: nil
        )
        let limiter = RateLimiter(configuration: configuration, clock: clock)
        #expect(limiter.check(subject(run: "a")).allowed)
        let again = limiter.check(subject(run: "a"))
        #expect(again.refusedBy == "run")
        #expect(again.retryAfterSeconds == 10)
        #expect(limiter.check(subject(run: "b")).allowed)
        #expect(limiter.check(subject(run: "c")).allowed)
        #expect(limiter.check(subject(run: "d")).refusedBy == "source")
        let other = RateLimitSubject(kind: .replay, principal: "alice", source: "slack/main", runID: "d")
        #expect(limiter.check(other).allowed)
    }

    @Test func aRefundGivesTheChargeBack() {
        let clock = ManualReplayClock()
        let limiter = RateLimiter(
            configuration: principalOnly(RateLimit(count: 1, per: .seconds(60), burst: 1)),
            clock: clock
        )
        let first = limiter.check(subject())
        #expect(first.allowed)
        #expect(!limiter.check(subject()).allowed)
        limiter.refund(first)
        #expect(limiter.check(subject()).allowed)
    }

    @Test func readsHaveTheirOwnLimit() {
        let clock = ManualReplayClock()
        let configuration = LimitsConfig(
            perPrincipal: RateLimit(count: 1, per: .seconds(60), burst: 1),
            perSource: nil,
            perRun: nil,
            global: nil,
            readsPerPrincipal: RateLimit(count: 20, per: .seconds(1), burst: 40)
        )
        let limiter = RateLimiter(configuration: configuration, clock: clock)
        #expect(limiter.check(subject()).allowed)
        #expect(!limiter.check(subject()).allowed)
        let read = RateLimitSubject.read(principal: Self.alice, door: .socket)
        for _ in 0..<40 { #expect(limiter.check(read).allowed) }
        let refused = limiter.check(read)
        #expect(refused.refusedBy == "reads")
        #expect(refused.retryAfter == .milliseconds(50))
    }

    @Test func disabledLimitsPassEverything() {
        var configuration = principalOnly(RateLimit(count: 1, per: .seconds(60), burst: 1))
        configuration.enabled = false
        let limiter = RateLimiter(configuration: configuration, clock: ManualReplayClock())
        for _ in 0..<100 { #expect(limiter.check(subject()).allowed) }
    }

    @Test func memoryIsBoundedByMaxKeysAndTheLeastRecentlyUsedKeyGoesFirst() {
        let clock = ManualReplayClock()
        var configuration = principalOnly(RateLimit(count: 1, per: .seconds(3600), burst: 1))
        configuration.maxKeys = 100
        let limiter = RateLimiter(configuration: configuration, clock: clock)
        for index in 0..<10_000 { _ = limiter.check(subject("p\(index)")) }
        #expect(limiter.trackedKeys.principals <= 100)
        #expect(limiter.trackedKeys.principals >= 50)
        // The most recent principals are still remembered (and refused); the oldest were forgotten (and pass).
        #expect(!limiter.check(subject("p9999")).allowed)
        #expect(limiter.check(subject("p0")).allowed)
    }

    @Test func theLRUEvictsTheLeastRecentlyUsedKey() {
        var lru = LRUTATs(capacity: 3)
        lru.set("a", 1)
        lru.set("b", 2)
        lru.set("c", 3)
        #expect(lru.value(for: "a") == 1)
        lru.set("d", 4)
        #expect(lru.value(for: "b") == nil)
        #expect(lru.value(for: "a") == 1 && lru.value(for: "c") == 3 && lru.value(for: "d") == 4)
        #expect(lru.count == 3)
    }

    @Test func theInFlightCapHoldsPerPrincipal() {
        let cap = InFlightLimiter(maxPerPrincipal: 2)
        #expect(cap.acquire("alice"))
        #expect(cap.acquire("alice"))
        #expect(!cap.acquire("alice"))
        #expect(cap.acquire("bob"))
        cap.release("alice")
        #expect(cap.inFlight("alice") == 1)
        #expect(cap.acquire("alice"))
        cap.release("alice")
        cap.release("alice")
        #expect(cap.inFlight("alice") == 0)
    }

    @Test func limitsParseFromTheirConfigForm() throws {
        let limit = try RateLimit.parse("30 per 1m, burst 5").get()
        #expect(limit == RateLimit(count: 30, per: .seconds(60), burst: 5))
        #expect(limit.intervalNanoseconds == 2_000_000_000)
        #expect(limit.windowSeconds == 60)
        #expect(limit.description == "30 per 1m, burst 5")
        #expect(try RateLimit.parse("20 per 1s").get() == RateLimit(count: 20, per: .seconds(1), burst: 20))
        #expect(try RateLimit.parse("  100 per 1s ,  burst 200 ").get().burst == 200)
        for bad in ["", "30/1m", "30 per", "0 per 1m", "30 per 1x", "30 per 1m, 5", "30 per 1m, burst 0", "x per 1m"] {
            guard case .failure(let problem) = RateLimit.parse(bad) else {
                Issue.record("\(bad) parsed")
                continue
            }
            #expect(problem.message.contains("30 per 1m, burst 5"), "\(bad): \(problem.message)")
        }
    }
}

import Testing

@testable import ReplayCore

/// A reload swapping the limiter's limits (issue 11, issue 12 item 4), on a manual clock: a raised burst gives
/// exactly the difference, a lowered one leaves a full key waiting one new interval, a new rate reprices what a
/// key owes, limits that did not change keep their state, the global limit carries over, and the in-flight cap
/// and the failed-token throttle take new settings for the next request only.
@Suite struct RateLimiterReloadTests {
    private func subject(_ principal: String = "alice", source: String = "socket/uid:1000") -> RateLimitSubject {
        RateLimitSubject(kind: .replay, principal: principal, source: source, runID: "run_1")
    }

    private func limits(
        principal: RateLimit? = nil,
        source: RateLimit? = nil,
        global: RateLimit? = nil,
        maxKeys: Int = 10_000
    ) -> LimitsConfig {
        LimitsConfig(
            perPrincipal: principal,
            perSource: source,
            perRun: nil,
            global: global,
            readsPerPrincipal: nil,
            maxKeys: maxKeys
        )
    }

    /// How many checks of `subject` pass in a row now (stops at the first refusal, at most 100).
    private func passing(_ limiter: RateLimiter, _ subject: RateLimitSubject) -> Int {
        var count = 0
        while count < 100, limiter.check(subject).allowed { count += 1 }
        return count
    }

    @Test func raisingTheBurstFrom2To5LetsExactlyThreeMorePass() {
        let clock = ManualReplayClock()
        let limiter = RateLimiter(
            configuration: limits(principal: RateLimit(count: 30, per: .seconds(60), burst: 2)),
            clock: clock
        )
        #expect(passing(limiter, subject()) == 2)
        limiter.apply(limits(principal: RateLimit(count: 30, per: .seconds(60), burst: 5)))
        // The two used stay used: 5 − 2 = 3 pass, not a fresh burst of 5.
        #expect(passing(limiter, subject()) == 3)
        let refused = limiter.check(subject())
        #expect(refused.retryAfter == .seconds(2), "one interval of the (unchanged) rate")
        #expect(refused.statuses.last?.limit.burst == 5)
        // A principal never seen gets the new full burst.
        #expect(passing(limiter, subject("bob")) == 5)
    }

    @Test func loweringTheBurstLeavesAFullKeyOneNewIntervalAwayAndAPartlyUsedOneWhatIsLeft() {
        let clock = ManualReplayClock()
        let limiter = RateLimiter(
            configuration: limits(principal: RateLimit(count: 30, per: .seconds(60), burst: 5)),
            clock: clock
        )
        #expect(passing(limiter, subject("alice")) == 5)
        #expect(limiter.check(subject("bob")).allowed)
        limiter.apply(limits(principal: RateLimit(count: 30, per: .seconds(60), burst: 2)))
        // alice used 5, more than the new burst: she is full, and waits one interval (not the three she owed).
        let refused = limiter.check(subject("alice"))
        #expect(!refused.allowed)
        #expect(refused.retryAfter == .seconds(2))
        // bob used 1 of 2.
        #expect(passing(limiter, subject("bob")) == 1)
        clock.advance(by: .seconds(2))
        #expect(passing(limiter, subject("alice")) == 1)
    }

    @Test func aNewRateRepricesWhatAKeyOwesInRequests() {
        let clock = ManualReplayClock()
        // 30 per minute: one request costs 2 s.
        let limiter = RateLimiter(
            configuration: limits(principal: RateLimit(count: 30, per: .seconds(60), burst: 5)),
            clock: clock
        )
        for _ in 0..<2 { #expect(limiter.check(subject()).allowed) }
        // 60 per minute: 1 s each. The two requests owed are kept, so 3 of the 5 pass, then one per second.
        limiter.apply(limits(principal: RateLimit(count: 60, per: .seconds(60), burst: 5)))
        #expect(passing(limiter, subject()) == 3)
        #expect(limiter.check(subject()).retryAfter == .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(passing(limiter, subject()) == 1)
        // And slower again, 6 per minute (10 s each): the full key stays full, one new interval away.
        limiter.apply(limits(principal: RateLimit(count: 6, per: .seconds(60), burst: 5)))
        #expect(limiter.check(subject()).retryAfter == .seconds(10))
    }

    @Test func aLimitThatDidNotChangeKeepsItsStateWhenAnotherOneChanges() {
        let clock = ManualReplayClock()
        let principal = RateLimit(count: 30, per: .seconds(60), burst: 3)
        let limiter = RateLimiter(
            configuration: limits(principal: principal, source: RateLimit(count: 100, per: .seconds(60), burst: 50)),
            clock: clock
        )
        #expect(passing(limiter, subject()) == 3)
        clock.advance(by: .milliseconds(500))
        let before = limiter.check(subject())
        #expect(before.refusedBy == "principal")
        limiter.apply(limits(principal: principal, source: RateLimit(count: 10, per: .seconds(60), burst: 10)))
        let after = limiter.check(subject())
        #expect(after.refusedBy == "principal")
        #expect(after.retryAfter == before.retryAfter, "the same TAT, to the nanosecond")
        // After a quiet minute both pass again, each under the limit in force.
        clock.advance(by: .seconds(60))
        let fresh = limiter.check(subject())
        #expect(fresh.allowed)
        #expect(fresh.statuses.map(\.name) == ["principal", "source"])
    }

    @Test func theGlobalLimitCarriesOverAndStartsFullWhenTurnedBackOn() {
        let clock = ManualReplayClock()
        let limiter = RateLimiter(
            configuration: limits(global: RateLimit(count: 10, per: .seconds(1), burst: 2)),
            clock: clock
        )
        #expect(passing(limiter, subject("a")) == 2)
        limiter.apply(limits(global: RateLimit(count: 10, per: .seconds(1), burst: 5)))
        #expect(passing(limiter, subject("b")) == 3)
        limiter.apply(limits(global: nil))
        #expect(limiter.check(subject("c")).statuses.isEmpty)
        limiter.apply(limits(global: RateLimit(count: 10, per: .seconds(1), burst: 5)))
        #expect(passing(limiter, subject("d")) == 5)
    }

    @Test func turningLimitsOffAndOnAgainKeepsEachKeysState() {
        let clock = ManualReplayClock()
        let configured = limits(principal: RateLimit(count: 30, per: .seconds(60), burst: 2))
        let limiter = RateLimiter(configuration: configured, clock: clock)
        #expect(passing(limiter, subject()) == 2)
        var off = configured
        off.enabled = false
        limiter.apply(off)
        #expect(limiter.check(subject()).allowed)
        #expect(limiter.check(subject()).statuses.isEmpty)
        limiter.apply(configured)
        #expect(!limiter.check(subject()).allowed, "what was used before limits were off is still used")
    }

    @Test func aRefundAfterARepricingGivesBackOneRequestAtTheNewRate() {
        let clock = ManualReplayClock()
        let limiter = RateLimiter(
            configuration: limits(principal: RateLimit(count: 30, per: .seconds(60), burst: 2)),
            clock: clock
        )
        let first = limiter.check(subject())
        #expect(limiter.check(subject()).allowed)
        limiter.apply(limits(principal: RateLimit(count: 60, per: .seconds(60), burst: 2)))
        #expect(!limiter.check(subject()).allowed)
        limiter.refund(first)
        #expect(passing(limiter, subject()) == 1)
    }

    @Test func aNewMaxKeysResizesTheTablesKeepingTheMostRecentKeys() {
        let clock = ManualReplayClock()
        let limit = RateLimit(count: 1, per: .seconds(3600), burst: 1)
        let limiter = RateLimiter(configuration: limits(principal: limit, maxKeys: 10_000), clock: clock)
        for index in 0..<500 { #expect(limiter.check(subject("p\(index)")).allowed) }
        #expect(limiter.trackedKeys.principals == 500)
        // Growing keeps every key (each is still refused).
        limiter.apply(limits(principal: limit, maxKeys: 20_000))
        #expect(limiter.limits.maxKeys == 20_000)
        #expect(limiter.trackedKeys.principals == 500)
        #expect(!limiter.check(subject("p0")).allowed)
        // Shrinking to 100 keeps at most 100, each shard's most recently used: p0 (just checked) is kept.
        limiter.apply(limits(principal: limit, maxKeys: 100))
        #expect(limiter.trackedKeys.principals <= 100)
        #expect(limiter.trackedKeys.principals > 0)
        #expect(!limiter.check(subject("p0")).allowed)
        for index in 1_000..<2_000 { _ = limiter.check(subject("p\(index)")) }
        #expect(limiter.trackedKeys.principals <= 100)
    }

    @Test func theLRUShrinksToItsMostRecentKeysInOrder() {
        var lru = LRUMap<Int64>(capacity: 4)
        for (index, key) in ["a", "b", "c", "d"].enumerated() { lru.set(key, Int64(index)) }
        #expect(lru.value(for: "a") == 0)
        lru.resize(capacity: 2)
        // Most recent first: a, d.
        #expect(lru.count == 2 && lru.capacity == 2)
        #expect(lru.value(for: "b", touch: false) == nil && lru.value(for: "c", touch: false) == nil)
        lru.set("e", 4)
        // d was the least recently used of the two kept.
        #expect(lru.value(for: "d", touch: false) == nil)
        #expect(lru.value(for: "a", touch: false) == 0 && lru.value(for: "e", touch: false) == 4)
        lru.resize(capacity: 3)
        lru.set("f", 5)
        #expect(lru.count == 3)
    }

    @Test func carryRoundsAFractionOwedUpAndCapsAtTheNewTolerance() {
        // 3 ns owed at 2 ns a request is 1.5 requests; at 3 ns a request that is 4.5 ns, rounded up to 5.
        #expect(GCRA.carry(tat: 103, interval: 2, now: 100, newInterval: 3, newTolerance: 30) == 105)
        // Nothing owed: untouched.
        #expect(GCRA.carry(tat: 90, interval: 2, now: 100, newInterval: 3, newTolerance: 30) == 90)
        // Owed more than the new burst: capped at the new tolerance.
        #expect(GCRA.carry(tat: 200, interval: 10, now: 100, newInterval: 10, newTolerance: 30) == 130)
        // Same interval, within the tolerance: unchanged.
        #expect(GCRA.carry(tat: 120, interval: 10, now: 100, newInterval: 10, newTolerance: 30) == 120)
        // Huge values do not overflow.
        let big = Int64.max / 4
        #expect(GCRA.carry(tat: big, interval: 1, now: 0, newInterval: 1_000_000, newTolerance: big) == big)
    }

    @Test func aSwappedSnapshotIsSeenByEveryShard() {
        let snapshot = ShardedSnapshot(1, shardCount: 8)
        #expect(snapshot.replace(with: 2) == 1)
        #expect((0..<100).allSatisfy { snapshot.current(for: $0) == 2 })
    }

    @Test func theInFlightCapChangesForNewRequestsAndSlotsHeldStayHeld() {
        let cap = InFlightLimiter(maxPerPrincipal: 2)
        #expect(cap.acquire("alice") && cap.acquire("alice"))
        #expect(!cap.acquire("alice"))
        cap.apply(maxPerPrincipal: 3)
        #expect(cap.acquire("alice"))
        #expect(!cap.acquire("alice"))
        cap.apply(maxPerPrincipal: 1)
        #expect(cap.inFlight("alice") == 3, "the requests in flight keep their slots")
        #expect(!cap.acquire("alice"))
        cap.release("alice")
        cap.release("alice")
        #expect(!cap.acquire("alice"), "one still in flight: at the new cap of 1")
        cap.release("alice")
        #expect(cap.acquire("alice"))
        #expect(cap.maxPerPrincipal == 1)
    }

    @Test func theFailureThrottleCountsTheNextFailureUnderTheNewPolicyAndKeepsBlocksInForce() {
        let clock = ManualReplayClock()
        let throttle = VerificationFailureThrottle(
            policy: FailureThrottlePolicy(threshold: 3, initialBlock: .seconds(60)),
            clock: clock
        )
        #expect(throttle.recordFailure(source: "team", client: "a") == nil)
        #expect(throttle.recordFailure(source: "team", client: "b") == nil)
        #expect(throttle.recordFailure(source: "team", client: "b") == nil)
        #expect(throttle.recordFailure(source: "team", client: "b") == .seconds(60))
        throttle.apply(FailureThrottlePolicy(threshold: 2, initialBlock: .seconds(10)))
        #expect(throttle.policy.threshold == 2)
        // a's one failure counts; its second now blocks, for the new first block.
        #expect(throttle.recordFailure(source: "team", client: "a") == .seconds(10))
        // b's block keeps the end it was given.
        clock.advance(by: .seconds(30))
        #expect(throttle.check(source: "team", client: "b").retryAfterSeconds == 30)
        #expect(throttle.check(source: "team", client: "a") == .admitted)
    }
}

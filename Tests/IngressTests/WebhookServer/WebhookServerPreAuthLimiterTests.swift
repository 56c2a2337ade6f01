import Ingress
import ReplayCore
import Testing

@Suite struct WebhookServerPreAuthLimiterTests {
    @Test func aFullBucketAdmitsTheBurstThenSaysWhenTheNextTokenComes() {
        let clock = ManualReplayClock()
        let limiter = PreAuthLimiter(defaultLimit: PreAuthLimit(ratePerSecond: 2, burst: 3), clock: clock)
        for _ in 0..<3 { #expect(limiter.acquire(source: "slack") == .admitted) }
        #expect(limiter.acquire(source: "slack") == .refused(retryAfter: .milliseconds(500)))
        clock.advance(by: .milliseconds(250))
        let partial = limiter.acquire(source: "slack")
        #expect(partial == .refused(retryAfter: .milliseconds(250)))
        #expect(partial.retryAfterSeconds == 1)
        clock.advance(by: .milliseconds(250))
        #expect(limiter.acquire(source: "slack") == .admitted)
        #expect(limiter.acquire(source: "slack") != .admitted)
    }

    @Test func theBucketRefillsToItsBurstAndNoFurther() {
        let clock = ManualReplayClock()
        let limiter = PreAuthLimiter(defaultLimit: PreAuthLimit(ratePerSecond: 1, burst: 2), clock: clock)
        #expect(limiter.acquire(source: "a") == .admitted)
        #expect(limiter.acquire(source: "a") == .admitted)
        #expect(limiter.availableTokens(source: "a") == 0)
        clock.advance(by: .seconds(3600))
        #expect(limiter.availableTokens(source: "a") == 2)
        #expect(limiter.acquire(source: "a") == .admitted)
        #expect(limiter.acquire(source: "a") == .admitted)
        #expect(limiter.acquire(source: "a") == .refused(retryAfter: .seconds(1)))
    }

    @Test func eachSourceHasItsOwnBucketAndMayHaveItsOwnLimit() {
        let clock = ManualReplayClock()
        let limiter = PreAuthLimiter(
            defaultLimit: PreAuthLimit(ratePerSecond: 1, burst: 1),
            limits: ["strait": PreAuthLimit(ratePerSecond: 0.5, burst: 3)],
            clock: clock
        )
        #expect(limiter.acquire(source: "slack") == .admitted)
        #expect(limiter.acquire(source: "slack") == .refused(retryAfter: .seconds(1)))
        #expect(limiter.acquire(source: "github") == .admitted)
        for _ in 0..<3 { #expect(limiter.acquire(source: "strait") == .admitted) }
        #expect(limiter.acquire(source: "strait") == .refused(retryAfter: .seconds(2)))
        #expect(limiter.limit(for: "strait").burst == 3)
        #expect(limiter.limit(for: "other").burst == 1)
    }

    @Test func retryAfterRoundsUpToWholeSeconds() {
        #expect(AdmissionDecision.admitted.retryAfterSeconds == nil)
        #expect(AdmissionDecision.refused(retryAfter: .milliseconds(1)).retryAfterSeconds == 1)
        #expect(AdmissionDecision.refused(retryAfter: .zero).retryAfterSeconds == 1)
        #expect(AdmissionDecision.refused(retryAfter: .seconds(1)).retryAfterSeconds == 1)
        #expect(AdmissionDecision.refused(retryAfter: .milliseconds(1500)).retryAfterSeconds == 2)
        #expect(AdmissionDecision.refused(retryAfter: .seconds(600)).retryAfterSeconds == 600)
    }
}

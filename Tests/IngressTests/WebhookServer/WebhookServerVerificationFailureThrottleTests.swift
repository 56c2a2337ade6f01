import Ingress
import ReplayCore
import Testing

@Suite struct WebhookServerVerificationFailureThrottleTests {
    private let policy = FailureThrottlePolicy(
        threshold: 3,
        window: .seconds(60),
        initialBlock: .seconds(10),
        maxBlock: .seconds(35),
        forgetAfter: .seconds(3600)
    )

    @Test func blockLengthsDoubleAndStopAtTheCap() {
        #expect(policy.blockDuration(forBlockNumber: 1) == .seconds(10))
        #expect(policy.blockDuration(forBlockNumber: 2) == .seconds(20))
        #expect(policy.blockDuration(forBlockNumber: 3) == .seconds(35))
        #expect(policy.blockDuration(forBlockNumber: 4) == .seconds(35))
        #expect(policy.blockDuration(forBlockNumber: 10_000) == .seconds(35))
        #expect(FailureThrottlePolicy().blockDuration(forBlockNumber: 1) == .seconds(60))
        #expect(FailureThrottlePolicy().blockDuration(forBlockNumber: 7) == .seconds(3600))
    }

    @Test func thresholdFailuresWithinTheWindowBlockThePair() {
        let clock = ManualReplayClock()
        let throttle = VerificationFailureThrottle(policy: policy, clock: clock)
        #expect(throttle.recordFailure(source: "slack", client: "203.0.113.9") == nil)
        #expect(throttle.recordFailure(source: "slack", client: "203.0.113.9") == nil)
        #expect(throttle.check(source: "slack", client: "203.0.113.9") == .admitted)
        #expect(throttle.recordFailure(source: "slack", client: "203.0.113.9") == .seconds(10))
        #expect(throttle.check(source: "slack", client: "203.0.113.9") == .refused(retryAfter: .seconds(10)))
        // Other pairs are not affected.
        #expect(throttle.check(source: "github", client: "203.0.113.9") == .admitted)
        #expect(throttle.check(source: "slack", client: "198.51.100.7") == .admitted)
        clock.advance(by: .seconds(4))
        #expect(throttle.check(source: "slack", client: "203.0.113.9") == .refused(retryAfter: .seconds(6)))
        clock.advance(by: .seconds(6))
        #expect(throttle.check(source: "slack", client: "203.0.113.9") == .admitted)
    }

    @Test func failuresSpreadWiderThanTheWindowDoNotBlock() {
        let clock = ManualReplayClock()
        let throttle = VerificationFailureThrottle(policy: policy, clock: clock)
        for _ in 0..<10 {
            #expect(throttle.recordFailure(source: "slack", client: "c") == nil)
            clock.advance(by: .seconds(30))
        }
        #expect(throttle.check(source: "slack", client: "c") == .admitted)
    }

    @Test func failuresDuringABlockNeitherCountNorExtendIt() {
        let clock = ManualReplayClock()
        let throttle = VerificationFailureThrottle(policy: policy, clock: clock)
        for _ in 0..<3 { throttle.recordFailure(source: "s", client: "c") }
        clock.advance(by: .seconds(5))
        for _ in 0..<10 { #expect(throttle.recordFailure(source: "s", client: "c") == nil) }
        #expect(throttle.check(source: "s", client: "c") == .refused(retryAfter: .seconds(5)))
        clock.advance(by: .seconds(5))
        // The count restarted at the block: two more failures do not block again.
        throttle.recordFailure(source: "s", client: "c")
        throttle.recordFailure(source: "s", client: "c")
        #expect(throttle.check(source: "s", client: "c") == .admitted)
    }

    @Test func eachFurtherBlockDoublesUpToTheCap() {
        let clock = ManualReplayClock()
        let throttle = VerificationFailureThrottle(policy: policy, clock: clock)
        var blocks: [Duration] = []
        for _ in 0..<5 {
            var started: Duration?
            for _ in 0..<3 { started = throttle.recordFailure(source: "s", client: "c") }
            #expect(started != nil)
            let block = started ?? .zero
            blocks.append(block)
            #expect(throttle.check(source: "s", client: "c") == .refused(retryAfter: block))
            clock.advance(by: block)
            #expect(throttle.check(source: "s", client: "c") == .admitted)
        }
        #expect(blocks == [.seconds(10), .seconds(20), .seconds(35), .seconds(35), .seconds(35)])
    }

    @Test func aSuccessOrALongQuietClearsThePairsRecord() {
        let clock = ManualReplayClock()
        let throttle = VerificationFailureThrottle(policy: policy, clock: clock)
        for _ in 0..<3 { throttle.recordFailure(source: "s", client: "c") }
        clock.advance(by: .seconds(10))
        throttle.recordSuccess(source: "s", client: "c")
        #expect(throttle.trackedCount == 0)
        var started: Duration?
        for _ in 0..<3 { started = throttle.recordFailure(source: "s", client: "c") }
        #expect(started == .seconds(10))

        clock.advance(by: .seconds(10))
        for _ in 0..<3 { started = throttle.recordFailure(source: "s", client: "c") }
        #expect(started == .seconds(20))
        clock.advance(by: .seconds(3600))
        for _ in 0..<3 { started = throttle.recordFailure(source: "s", client: "c") }
        #expect(started == .seconds(10))
    }

    @Test func aSprayOfClientsCostsBoundedMemoryAndKeepsBlocks() {
        let clock = ManualReplayClock()
        var bounded = policy
        bounded.maxTrackedClients = 20
        let throttle = VerificationFailureThrottle(policy: bounded, clock: clock)
        for _ in 0..<3 { throttle.recordFailure(source: "s", client: "attacker") }
        for index in 0..<500 {
            clock.advance(by: .milliseconds(1))
            throttle.recordFailure(source: "s", client: "spray-\(index)")
        }
        #expect(throttle.trackedCount <= 20)
        #expect(throttle.check(source: "s", client: "attacker") != .admitted)
    }
}

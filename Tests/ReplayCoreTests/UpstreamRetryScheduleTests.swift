import Curl
import ReplayCore
import Strait
import Testing

@Suite struct UpstreamRetryScheduleTests {
    private static let notSent = AttemptClass.notSent(.couldNotConnect)

    private static func throttled(retryAfter: Duration?) -> AttemptClass {
        .refused(
            status: 429,
            code: "rate_limited",
            retryAfter: retryAfter.map(RetryAfter.init(delay:)),
            retryable: true
        )
    }

    private func schedule(fraction: Double = 0.5, retryAfterJitter: Double = 0.1) -> RetrySchedule {
        RetrySchedule(retryAfterJitter: retryAfterJitter, jitter: ConstantJitter(fraction: fraction))
    }

    @Test func nothingSentBacksOffWithFullJitterUntilAttemptsRunOut() {
        let schedule = schedule(fraction: 0.5)
        let decisions = (1...5).map { schedule.decide(after: Self.notSent, attempts: $0, now: .zero, deadline: nil) }
        #expect(
            decisions == [
                .retry(after: .milliseconds(125)),
                .retry(after: .milliseconds(250)),
                .retry(after: .milliseconds(500)),
                .retry(after: .seconds(1)),
                .giveUp(.attemptsExhausted(attempts: 5)),
            ]
        )
    }

    @Test func backoffIsCappedAndScaledByTheJitterFraction() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .seconds(1), maxDelay: .seconds(4))
        let full = RetrySchedule(policy: policy, jitter: ConstantJitter(fraction: 1))
        let none = RetrySchedule(policy: policy, jitter: ConstantJitter(fraction: 0))
        #expect(full.decide(after: Self.notSent, attempts: 6, now: .zero, deadline: nil) == .retry(after: .seconds(4)))
        #expect(none.decide(after: Self.notSent, attempts: 6, now: .zero, deadline: nil) == .retry(after: .zero))
    }

    @Test func rateLimitRefusalsAreBoundedByTheDeadlineNotByAttempts() {
        let schedule = schedule(retryAfterJitter: 0)
        let limited = Self.throttled(retryAfter: .seconds(60))
        #expect(schedule.decide(after: limited, attempts: 50, now: .zero, deadline: nil) == .retry(after: .seconds(60)))
        #expect(
            schedule.decide(after: limited, attempts: 2, now: .zero, deadline: .seconds(30))
                == .giveUp(.deadlineExceeded(wait: .seconds(60), remaining: .seconds(30)))
        )
        let unavailable = AttemptClass.refused(
            status: 503,
            code: "service_unavailable",
            retryAfter: RetryAfter(delay: .seconds(1)),
            retryable: true
        )
        #expect(
            schedule.decide(after: unavailable, attempts: 5, now: .zero, deadline: nil)
                == .giveUp(.attemptsExhausted(attempts: 5))
        )
    }

    @Test func retryAfterIsHonouredWithBoundedJitter() {
        let exact = schedule(retryAfterJitter: 0)
        #expect(
            exact.decide(after: Self.throttled(retryAfter: .seconds(30)), attempts: 1, now: .zero, deadline: nil)
                == .retry(after: .seconds(30))
        )
        let jittered = schedule(fraction: 0.5, retryAfterJitter: 0.1)
        #expect(
            jittered.decide(after: Self.throttled(retryAfter: .seconds(30)), attempts: 1, now: .zero, deadline: nil)
                == .retry(after: .milliseconds(31_500))
        )
    }

    @Test func retryAfterIsClampedToOneSecondAndTenMinutes() {
        let schedule = schedule(fraction: 0.5)
        #expect(
            schedule.decide(after: Self.throttled(retryAfter: .zero), attempts: 1, now: .zero, deadline: nil)
                == .retry(after: .milliseconds(1_050))
        )
        #expect(
            schedule.decide(after: Self.throttled(retryAfter: .seconds(3_600)), attempts: 1, now: .zero, deadline: nil)
                == .retry(after: .seconds(600))
        )
        let custom = RetrySchedule(
            retryAfterRange: .seconds(2)...(.seconds(20)),
            retryAfterJitter: 0,
            jitter: ConstantJitter(fraction: 0.5)
        )
        #expect(
            custom.decide(after: Self.throttled(retryAfter: .seconds(90)), attempts: 1, now: .zero, deadline: nil)
                == .retry(after: .seconds(20))
        )
    }

    @Test func httpDateRetryAfterIsHonoured() throws {
        let retryAfter = try #require(
            RetryAfter(headerValue: "Fri, 01 May 2026 12:02:00 GMT", nowUnixSeconds: 1_777_636_800)
        )
        let outcome = AttemptClass.refused(
            status: 503,
            code: "service_unavailable",
            retryAfter: retryAfter,
            retryable: true
        )
        #expect(
            schedule(retryAfterJitter: 0).decide(after: outcome, attempts: 2, now: .zero, deadline: nil)
                == .retry(after: .seconds(120))
        )
    }

    @Test func aRetryableRefusalWithoutRetryAfterWaitsAtLeastTheFloor() {
        let outcome = AttemptClass.refused(
            status: 503,
            code: "service_unavailable",
            retryAfter: nil,
            retryable: true
        )
        #expect(schedule().decide(after: outcome, attempts: 1, now: .zero, deadline: nil) == .retry(after: .seconds(1)))
    }

    @Test func aWaitPastTheDeadlineGivesUpAndSaysHowLong() {
        let schedule = schedule(retryAfterJitter: 0)
        #expect(
            schedule.decide(
                after: Self.throttled(retryAfter: .seconds(60)),
                attempts: 1,
                now: .seconds(10),
                deadline: .seconds(40)
            ) == .giveUp(.deadlineExceeded(wait: .seconds(60), remaining: .seconds(30)))
        )
        #expect(
            schedule.decide(after: Self.notSent, attempts: 1, now: .seconds(10), deadline: .seconds(40))
                == .retry(after: .milliseconds(125))
        )
        #expect(
            schedule.decide(after: Self.notSent, attempts: 1, now: .seconds(40), deadline: .seconds(40))
                == .giveUp(.deadlineExceeded(wait: .milliseconds(125), remaining: .zero))
        )
    }

    @Test func ambiguousOutcomesAreReconciledNeverRetried() {
        let schedule = schedule()
        for reason in [
            AmbiguityReason.noResponse(.timedOut), .serverError(status: 502),
            .admissionThrottled(retryAfter: RetryAfter(delay: .seconds(1))), .undecodableSuccess(status: 201),
        ] {
            #expect(
                schedule.decide(after: .ambiguous(reason: reason), attempts: 1, now: .zero, deadline: nil)
                    == .reconcile(reason)
            )
        }
    }

    @Test func permanentOutcomesGiveUpAtOnce() {
        let schedule = schedule()
        let notFound = AttemptClass.refused(status: 404, code: "not_found", retryAfter: nil, retryable: false)
        #expect(
            schedule.decide(after: notFound, attempts: 1, now: .zero, deadline: nil)
                == .giveUp(.refused(status: 404, code: "not_found"))
        )
        #expect(
            schedule.decide(after: .notSent(.cancelled), attempts: 1, now: .zero, deadline: nil)
                == .giveUp(.notRetryable(.cancelled))
        )
        #expect(
            schedule.decide(after: .notSent(.insecureURL), attempts: 1, now: .zero, deadline: nil)
                == .giveUp(.notRetryable(.insecureURL))
        )
        let input = StraitInputError(code: .invalidRunID, field: "run_id", message: "bad")
        #expect(
            schedule.decide(after: .invalidInput(input), attempts: 1, now: .zero, deadline: nil)
                == .giveUp(.invalidInput)
        )
        #expect(schedule.decide(after: .created, attempts: 3, now: .zero, deadline: nil) == .succeeded)
    }

    @Test func retryableRefusalsOtherThanRateLimitsCountTowardMaxAttempts() {
        let unavailable = AttemptClass.refused(
            status: 503,
            code: "rate limit plan unavailable",
            retryAfter: RetryAfter(delay: .seconds(1)),
            retryable: true
        )
        #expect(
            schedule().decide(after: unavailable, attempts: 5, now: .zero, deadline: nil)
                == .giveUp(.attemptsExhausted(attempts: 5))
        )
    }
}

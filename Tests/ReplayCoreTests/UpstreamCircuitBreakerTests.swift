import ReplayCore
import Testing

@Suite struct UpstreamCircuitBreakerTests {
    private func openedBreaker(_ clock: ManualReplayClock) -> CircuitBreaker {
        let breaker = CircuitBreaker(clock: clock)
        for _ in 0..<5 { breaker.recordFailure() }
        return breaker
    }

    @Test func opensAfterFiveConsecutiveFailures() {
        let clock = ManualReplayClock()
        let breaker = CircuitBreaker(clock: clock)
        for _ in 0..<4 { breaker.recordFailure() }
        breaker.recordSuccess()
        for _ in 0..<4 { breaker.recordFailure() }
        #expect(breaker.allow() == .allowed)
        #expect(breaker.snapshot.state == .closed)
        #expect(breaker.snapshot.consecutiveFailures == 4)
        breaker.recordFailure()
        #expect(breaker.allow() == .rejected(retryAfter: .seconds(30)))
        #expect(
            breaker.snapshot
                == CircuitBreaker.Snapshot(
                    state: .open,
                    consecutiveFailures: 5,
                    timesOpened: 1,
                    totalOpenings: 1,
                    reopensAt: .seconds(30),
                    reopensIn: .seconds(30)
                )
        )
        #expect(breaker.snapshot.state.rawValue == "open")
    }

    @Test func failsFastWhileOpenThenLetsExactlyOneProbeThrough() async {
        let clock = ManualReplayClock()
        let breaker = openedBreaker(clock)
        clock.advance(by: .seconds(10))
        #expect(breaker.allow() == .rejected(retryAfter: .seconds(20)))
        clock.advance(by: .seconds(20))
        #expect(breaker.snapshot.state == .halfOpen)
        #expect(breaker.snapshot.state.rawValue == "half_open")

        let admissions = await withTaskGroup(of: CircuitBreaker.Admission.self) { group in
            for _ in 0..<2 { group.addTask { breaker.allow() } }
            var all: [CircuitBreaker.Admission] = []
            for await admission in group { all.append(admission) }
            return all
        }
        #expect(admissions.filter { $0 == .probe }.count == 1)
        #expect(admissions.filter { $0 == .rejected(retryAfter: .seconds(1)) }.count == 1)

        breaker.recordSuccess()
        #expect(breaker.allow() == .allowed)
        #expect(breaker.snapshot.state == .closed)
        #expect(breaker.snapshot.consecutiveFailures == 0)
    }

    @Test func aFailedProbeReopensForLongerUpToTheCap() {
        let clock = ManualReplayClock()
        let breaker = openedBreaker(clock)
        var periods: [Duration] = []
        for _ in 0..<12 {
            guard case .rejected(let period) = breaker.allow() else {
                Issue.record("expected the breaker to be open")
                return
            }
            periods.append(period)
            clock.advance(by: period)
            #expect(breaker.allow() == .probe)
            breaker.recordFailure()
        }
        #expect(periods == [30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300].map { .seconds($0) })
        #expect(breaker.snapshot.timesOpened == 13)
        #expect(breaker.snapshot.totalOpenings == 13)
    }

    @Test func openingsAreForgottenAfterStayingClosedForTheLongestPeriod() {
        let clock = ManualReplayClock()
        let breaker = openedBreaker(clock)
        clock.advance(by: .seconds(30))
        #expect(breaker.allow() == .probe)
        breaker.recordSuccess()
        for _ in 0..<5 { breaker.recordFailure() }
        #expect(breaker.allow() == .rejected(retryAfter: .seconds(60)))

        clock.advance(by: .seconds(60))
        #expect(breaker.allow() == .probe)
        breaker.recordSuccess()
        clock.advance(by: .seconds(300))
        for _ in 0..<5 { breaker.recordFailure() }
        #expect(breaker.allow() == .rejected(retryAfter: .seconds(30)))
        #expect(breaker.snapshot.timesOpened == 1)
        #expect(breaker.snapshot.totalOpenings == 3)
    }

    @Test func aLostProbeIsReplacedAfterItsTimeoutOrWhenAbandoned() {
        let clock = ManualReplayClock()
        let breaker = openedBreaker(clock)
        clock.advance(by: .seconds(30))
        #expect(breaker.allow() == .probe)
        clock.advance(by: .seconds(59))
        #expect(breaker.allow() == .rejected(retryAfter: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(breaker.allow() == .probe)
        breaker.recordAbandoned()
        #expect(breaker.allow() == .probe)
        #expect(breaker.allow() == .rejected(retryAfter: .seconds(1)))
    }

    @Test func classesCountAsTheRequirementsSay() {
        let clock = ManualReplayClock()
        let breaker = CircuitBreaker(clock: clock)
        let failures: [AttemptClass] = [
            .notSent(.couldNotConnect), .ambiguous(reason: .noResponse(.timedOut)),
            .refused(status: 503, code: "service_unavailable", retryAfter: nil, retryable: true),
            .ambiguous(reason: .serverError(status: 502)),
        ]
        for outcome in failures { breaker.record(outcome) }
        #expect(breaker.snapshot.consecutiveFailures == 4)
        breaker.record(.notSent(.cancelled))
        #expect(breaker.snapshot.consecutiveFailures == 4)
        breaker.record(.refused(status: 429, code: "rate_limited", retryAfter: nil, retryable: true))
        #expect(breaker.snapshot.consecutiveFailures == 0)
        for outcome in failures { breaker.record(outcome) }
        breaker.record(.refused(status: 404, code: "not_found", retryAfter: nil, retryable: false))
        #expect(breaker.snapshot.consecutiveFailures == 0)
        for outcome in failures + failures { breaker.record(outcome) }
        #expect(breaker.snapshot.state == .open)
        clock.advance(by: .seconds(30))
        #expect(breaker.allow() == .probe)
        breaker.record(.created)
        #expect(breaker.snapshot.state == .closed)
    }
}

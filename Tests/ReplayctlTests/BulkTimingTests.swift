import ReplayctlKit
import Testing

@Suite struct BulkTimingTests {
    @Test func theLineShowsRateElapsedAndETA() {
        var tally = BulkTally(total: 300)
        for _ in 0..<60 { tally.finish(.created, exitStatus: .ok, wasWaiting: false) }
        // 60 done in 12 s: 5.0/s, 240 left → 48 s.
        #expect(tally.timing(elapsed: .seconds(12)) == "5.0/s elapsed 0:12 ETA 0:48")
        let line = tally.progressLine(fitting: 200, elapsed: .seconds(12))
        #expect(line.hasPrefix("[####................] 60/300 5.0/s elapsed 0:12 ETA 0:48 created 60 "))
    }

    @Test func beforeAnyLineTheETAIsUnknownAndAtTheEndItIsZero() {
        var tally = BulkTally(total: 2)
        #expect(tally.timing(elapsed: .zero) == "0.0/s elapsed 0:00 ETA -")
        tally.finish(.created, exitStatus: .ok, wasWaiting: false)
        tally.finish(.failed, exitStatus: .notFound, wasWaiting: false)
        #expect(tally.timing(elapsed: .milliseconds(500)) == "4.0/s elapsed 0:00 ETA 0:00")
    }

    @Test func clockTextGrowsHoursAndRatesLoseTheirDecimalAboveAHundred() {
        #expect(BulkTally.clock(59.9) == "0:59")
        #expect(BulkTally.clock(61) == "1:01")
        #expect(BulkTally.clock(3725) == "1:02:05")
        var tally = BulkTally(total: 10_000)
        for _ in 0..<1500 { tally.finish(.created, exitStatus: .ok, wasWaiting: false) }
        #expect(tally.timing(elapsed: .seconds(10)).hasPrefix("150/s elapsed 0:10 ETA 0:56"))
    }

    @Test func notSentAndInterruptedAreCountedApartFromFailedAndLeftForAResume() {
        var tally = BulkTally(total: 5)
        tally.finish(.created, exitStatus: .ok, wasWaiting: false)
        tally.finish(.failed, exitStatus: .notFound, wasWaiting: false)
        tally.finish(.interrupted, exitStatus: .interrupted, wasWaiting: false)
        tally.finish(.notSent, exitStatus: .daemonUnreachable, wasWaiting: false)
        tally.finish(.notSent, exitStatus: .daemonUnreachable, wasWaiting: false)
        #expect(tally.failed == 1)
        #expect(tally.notSent == 2)
        #expect(tally.left == 3)
        #expect(
            tally.summary
                == "5 lines: 1 created, 0 already replayed, 0 coalesced, 1 failed, 0 pending, 1 interrupted, 2 not sent"
        )
        #expect(tally.progressLine(barWidth: 5).hasSuffix("failed 1 pending 0 not sent 2"))
        // Lines not sent do not make the rate: 3 answered in 3 s.
        #expect(tally.timing(elapsed: .seconds(3)) == "1.0/s elapsed 0:03 ETA 0:00")
    }

    @Test func theThrottleDrawsAtMostTenTimesASecondOnAnInjectedClock() {
        var throttle = ProgressThrottle(interval: .milliseconds(100))
        var draws = 0
        // 1,000 updates a millisecond apart: one second of injected time.
        for step in 0..<1000 where throttle.shouldDraw(at: .milliseconds(step)) { draws += 1 }
        #expect(draws == 10)
        let drawsAgain = throttle.shouldDraw(at: .milliseconds(1000))
        #expect(drawsAgain)
    }
}

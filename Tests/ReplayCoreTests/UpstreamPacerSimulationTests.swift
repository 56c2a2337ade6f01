import Curl
import ReplayCore
import StraitSimulator
import Testing

/// A burst of replays against Strait's per-key limit (the simulator's own sliding-window limiter, driven directly),
/// on a `ManualReplayClock`: the pacer must finish within 1.1× the minimum time the limit allows, with at most 1 %
/// of calls answered 429.
@Suite struct UpstreamPacerSimulationTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        var requests: Int
        var limit: Int
        /// Where in Strait's aligned window the burst starts.
        var startOffset: Duration
        var testDescription: String { "\(requests) calls at \(limit)/min from \(startOffset) into the window" }
    }

    struct Run {
        var elapsed: Duration
        var throttled: Int
        var attempts: Int
    }

    /// One client sending `requests` calls one after another (2 ms each), through the pacer, against the model.
    /// A 429 carries `Retry-After` = the full window, as Strait's key limiter sends it; the call is sent again.
    private static func run(_ scenario: Scenario) async throws -> Run {
        let window = Duration.seconds(60)
        let clock = ManualReplayClock(autoAdvance: true)
        try await clock.sleep(for: scenario.startOffset)
        let start = clock.monotonicNow()
        let pacer = UpstreamPacer(clock: clock)
        let limit = SimulatorConfiguration.RateLimit(requests: scenario.limit, window: window)
        var strait = SlidingWindowLimiter()
        var done = 0
        var throttled = 0
        var lastAllowed = start
        while done < scenario.requests {
            let ticket = try await pacer.acquire()
            let sentAt = clock.monotonicNow()
            let answer = strait.attempt(key: "key", limit: limit, now: sentAt)
            try await clock.sleep(for: .milliseconds(2))
            var headers: HTTPHeaders = [
                "X-RateLimit-Limit": "\(scenario.limit)", "X-RateLimit-Remaining": "\(max(0, answer.remaining))",
            ]
            if answer.allowed {
                done += 1
                lastAllowed = sentAt
                pacer.observe(ticket, status: 201, headers: headers)
            } else {
                throttled += 1
                headers.add(name: "Retry-After", value: "60")
                pacer.observe(ticket, status: 429, headers: headers)
            }
        }
        return Run(elapsed: lastAllowed - start, throttled: throttled, attempts: done + throttled)
    }

    @Test(arguments: [
        Scenario(requests: 2000, limit: 600, startOffset: .zero),
        Scenario(requests: 2000, limit: 600, startOffset: .seconds(20)),
        Scenario(requests: 2000, limit: 600, startOffset: .seconds(40)),
        Scenario(requests: 2000, limit: 600, startOffset: .seconds(55)),
        Scenario(requests: 1000, limit: 300, startOffset: .seconds(10)),
        Scenario(requests: 1000, limit: 300, startOffset: .seconds(50)),
    ])
    func aBurstFinishesNearTheMinimumWithFew429s(_ scenario: Scenario) async throws {
        let minimum = SlidingWindowLimiter.minimumTime(
            count: scenario.requests,
            limit: .init(requests: scenario.limit, window: .seconds(60)),
            start: scenario.startOffset
        )
        let run = try await Self.run(scenario)
        #expect(run.elapsed <= minimum * 1.1, "took \(run.elapsed), minimum \(minimum)")
        #expect(run.throttled * 100 <= run.attempts, "\(run.throttled) of \(run.attempts) calls were 429")
    }

    @Test func aBurstWithinTheLimitIsNotSlowedDown() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(clock: clock)
        let limit = SimulatorConfiguration.RateLimit(requests: 100, window: .seconds(60))
        var strait = SlidingWindowLimiter()
        for _ in 0..<90 {
            let ticket = try await pacer.acquire()
            let answer = strait.attempt(key: "key", limit: limit, now: clock.monotonicNow())
            #expect(answer.allowed)
            pacer.observe(
                ticket,
                status: 201,
                headers: ["X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "\(max(0, answer.remaining))"]
            )
        }
        #expect(clock.requestedSleeps.isEmpty)
    }
}

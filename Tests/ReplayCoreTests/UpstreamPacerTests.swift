import Curl
import ReplayCore
import Testing

@Suite struct UpstreamPacerTests {
    private static func limitHeaders(limit: Int, remaining: Int) -> HTTPHeaders {
        ["X-RateLimit-Limit": "\(limit)", "X-RateLimit-Remaining": "\(remaining)"]
    }

    /// Yields (never sleeps) until `condition` holds; records an issue if it never does.
    private static func waitUntil(
        _ what: Comment,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () -> Bool
    ) async {
        for _ in 0..<1_000_000 {
            if condition() { return }
            await Task.yield()
        }
        Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    }

    @Test func doesNotPaceBeforeLearningAnything() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(clock: clock)
        for _ in 0..<50 { try await pacer.acquire() }
        #expect(clock.requestedSleeps.isEmpty)
        #expect(pacer.snapshot.limit == nil)
        #expect(pacer.snapshot.inFlight == 50)
    }

    @Test func learnsTheLimitFromResponses() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(try await pacer.acquire(), status: 201, headers: Self.limitHeaders(limit: 120, remaining: 100))
        let snapshot = pacer.snapshot
        #expect(snapshot.limit == 120)
        #expect(snapshot.remaining == 100)
        #expect(snapshot.interval == .milliseconds(500))
        #expect(snapshot.pausedFor == nil)
    }

    @Test func doesNotSlowDownWhileRemainingIsPlenty() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(try await pacer.acquire(), status: 201, headers: Self.limitHeaders(limit: 60, remaining: 50))
        for remaining in stride(from: 49, through: 3, by: -1) {
            let ticket = try await pacer.acquire()
            pacer.observe(ticket, status: 201, headers: Self.limitHeaders(limit: 60, remaining: remaining))
        }
        #expect(clock.requestedSleeps.isEmpty)
    }

    @Test func spacesCallsAtWindowOverLimitWhenRemainingRunsOut() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(configuration: UpstreamPacer.Configuration(reserve: 0), clock: clock)
        pacer.observe(try await pacer.acquire(), status: 201, headers: Self.limitHeaders(limit: 60, remaining: 0))
        for _ in 0..<4 { try await pacer.acquire() }
        #expect(clock.requestedSleeps == Array(repeating: .seconds(1), count: 4))
    }

    @Test func keepsAReserveAndWaitsLongerBelowIt() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(clock: clock)
        var ticket = try await pacer.acquire()
        for remaining in [3, 2, 1, 0] {
            pacer.observe(ticket, status: 201, headers: Self.limitHeaders(limit: 60, remaining: remaining))
            ticket = try await pacer.acquire()
        }
        #expect(clock.requestedSleeps == [.seconds(1), .seconds(2), .seconds(3)])
    }

    @Test func countsCallsInFlightAgainstRemaining() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(configuration: UpstreamPacer.Configuration(reserve: 0), clock: clock)
        let first = try await pacer.acquire()
        let others = [try await pacer.acquire(), try await pacer.acquire()]
        // Strait counted the first call and had 3 left; the two sent after it are spent from those 3.
        pacer.observe(first, status: 201, headers: Self.limitHeaders(limit: 60, remaining: 3))
        #expect(pacer.snapshot.inFlight == 2)
        try await pacer.acquire()
        #expect(clock.requestedSleeps.isEmpty)
        try await pacer.acquire()
        #expect(clock.requestedSleeps == [.seconds(1)])
        pacer.abandon(others[0])
        #expect(pacer.snapshot.inFlight == 3)
    }

    @Test func retryAfterPausesEveryCaller() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(clock: clock)
        let calls = [try await pacer.acquire(), try await pacer.acquire()]
        pacer.observe(calls[0], status: 201, headers: Self.limitHeaders(limit: 100, remaining: 0))
        pacer.observe(calls[1], status: 503, headers: ["Retry-After": "5"])
        #expect(pacer.snapshot.pausedFor == .seconds(5))

        let passed = PassCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await pacer.acquire()
                    passed.increment()
                }
            }
            await Self.waitUntil("all three wait") { clock.sleeperCount == 3 }
            clock.advance(by: .milliseconds(4_999))
            #expect(passed.value == 0)
            #expect(clock.sleeperCount == 3)
            clock.advance(by: .milliseconds(1))
            // After the pause one call goes at once and the others follow one interval (600 ms) apart.
            await Self.waitUntil("one passed, two wait for slots") {
                passed.value == 1 && clock.sleeperCount == 2
            }
            clock.advance(by: .milliseconds(600))
            await Self.waitUntil("two passed") { passed.value == 2 }
            #expect(clock.sleeperCount == 1)
            clock.advance(by: .milliseconds(600))
            try await group.waitForAll()
        }
        #expect(passed.value == 3)
        #expect(pacer.snapshot.pausedFor == nil)
    }

    @Test func aPauseIsClampedAndHasAFloor() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(try await pacer.acquire(), status: 503, headers: [:])
        #expect(pacer.snapshot.pausedFor == .seconds(1))
        let unlearned = UpstreamPacer(clock: clock)
        unlearned.observe(try await unlearned.acquire(), status: 429, headers: ["Retry-After": "86400"])
        #expect(unlearned.snapshot.pausedFor == .seconds(600))
        let dated = UpstreamPacer(clock: clock)
        dated.observe(try await dated.acquire(), status: 503, headers: ["Retry-After": "Fri, 01 May 2026 12:00:30 GMT"])
        #expect(dated.snapshot.pausedFor == .seconds(30))
        let ignored = UpstreamPacer(clock: clock)
        ignored.observe(try await ignored.acquire(), status: 500, headers: ["Retry-After": "30"])
        #expect(ignored.snapshot.pausedFor == nil)
    }

    @Test func aStaleAnswerDoesNotReanchorTheSchedule() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(configuration: UpstreamPacer.Configuration(reserve: 0), clock: clock)
        let calls = [try await pacer.acquire(), try await pacer.acquire()]
        // The newer call answers first with nothing left; the older one's answer (5 left) arrives after it.
        pacer.observe(calls[1], status: 201, headers: Self.limitHeaders(limit: 60, remaining: 0))
        pacer.observe(calls[0], status: 201, headers: Self.limitHeaders(limit: 60, remaining: 5))
        #expect(pacer.snapshot.remaining == 0)
        try await pacer.acquire()
        #expect(clock.requestedSleeps == [.seconds(1)], "the stale 5 did not let a burst through")
    }

    @Test func a429OnceTheLimitIsKnownProbesInsteadOfWaitingTheWholeWindow() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(try await pacer.acquire(), status: 201, headers: Self.limitHeaders(limit: 100, remaining: 10))
        var refused = Self.limitHeaders(limit: 100, remaining: 0)
        refused.add(name: "Retry-After", value: "60")
        // 429s in a row: T (600 ms) but at least 1 s, then doubling, capped at a sixth of the window (10 s).
        var pauses: [Duration] = []
        for _ in 0..<8 {
            let ticket = try await pacer.acquire()
            pacer.observe(ticket, status: 429, headers: refused)
            pauses.append(pacer.snapshot.pausedFor ?? .zero)
            clock.advance(by: pacer.snapshot.pausedFor ?? .zero)
        }
        #expect(
            pauses == [
                .seconds(1), .milliseconds(1200), .milliseconds(2400), .milliseconds(4800),
                .milliseconds(9600), .seconds(10), .seconds(10), .seconds(10),
            ]
        )
        // Any other answer ends the run: the next 429 starts again at T.
        pacer.observe(try await pacer.acquire(), status: 201, headers: Self.limitHeaders(limit: 100, remaining: 0))
        clock.advance(by: .seconds(60))
        pacer.observe(try await pacer.acquire(), status: 429, headers: refused)
        #expect(pacer.snapshot.pausedFor == .seconds(1))
    }

    @Test func concurrent429sFromOneRoundCountOnce() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(try await pacer.acquire(), status: 201, headers: Self.limitHeaders(limit: 100, remaining: 50))
        let calls = [try await pacer.acquire(), try await pacer.acquire(), try await pacer.acquire()]
        var refused = Self.limitHeaders(limit: 100, remaining: 0)
        refused.add(name: "Retry-After", value: "60")
        for call in calls { pacer.observe(call, status: 429, headers: refused) }
        #expect(pacer.snapshot.pausedFor == .seconds(1), "three answers to calls already out are one round")
    }

    @Test func aCancelledWaiterGivesItsSlotBack() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(configuration: UpstreamPacer.Configuration(reserve: 0), clock: clock)
        pacer.observe(try await pacer.acquire(), status: 201, headers: Self.limitHeaders(limit: 60, remaining: 0))
        let waiter = Task { try await pacer.acquire() }
        await Self.waitUntil("the call waits") { clock.sleeperCount == 1 }
        #expect(pacer.snapshot.inFlight == 1)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(pacer.snapshot.inFlight == 0)
    }
}

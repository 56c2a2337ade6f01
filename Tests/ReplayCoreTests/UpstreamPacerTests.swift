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

    @Test func learnsTheLimitFromResponses() {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 120, remaining: 100))
        let snapshot = pacer.snapshot
        #expect(snapshot.limit == 120)
        #expect(snapshot.remaining == 100)
        #expect(snapshot.interval == .milliseconds(500))
        #expect(snapshot.pausedFor == nil)
    }

    @Test func doesNotSlowDownWhileRemainingIsPlenty() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 50))
        for remaining in stride(from: 49, through: 3, by: -1) {
            try await pacer.acquire()
            pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: remaining))
        }
        #expect(clock.requestedSleeps.isEmpty)
    }

    @Test func spacesCallsAtWindowOverLimitWhenRemainingRunsOut() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(configuration: UpstreamPacer.Configuration(reserve: 0), clock: clock)
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 0))
        for _ in 0..<4 { try await pacer.acquire() }
        #expect(clock.requestedSleeps == Array(repeating: .seconds(1), count: 4))
    }

    @Test func keepsAReserveAndWaitsLongerBelowIt() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(clock: clock)
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 3))
        try await pacer.acquire()
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 2))
        try await pacer.acquire()
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 1))
        try await pacer.acquire()
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 0))
        try await pacer.acquire()
        #expect(clock.requestedSleeps == [.seconds(1), .seconds(2), .seconds(3)])
    }

    @Test func countsCallsInFlightAgainstRemaining() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        let pacer = UpstreamPacer(configuration: UpstreamPacer.Configuration(reserve: 0), clock: clock)
        for _ in 0..<3 { try await pacer.acquire() }
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 3))
        #expect(pacer.snapshot.inFlight == 2)
        try await pacer.acquire()
        #expect(clock.requestedSleeps.isEmpty)
        try await pacer.acquire()
        #expect(clock.requestedSleeps == [.seconds(1)])
        pacer.abandon()
        #expect(pacer.snapshot.inFlight == 3)
    }

    @Test func retryAfterPausesEveryCaller() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(clock: clock)
        var headers = Self.limitHeaders(limit: 100, remaining: 0)
        headers.add(name: "Retry-After", value: "5")
        pacer.observe(status: 429, headers: headers)
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
        pacer.observe(status: 503, headers: [:])
        #expect(pacer.snapshot.pausedFor == .seconds(1))
        pacer.observe(status: 429, headers: ["Retry-After": "86400"])
        #expect(pacer.snapshot.pausedFor == .seconds(600))
        let dated = UpstreamPacer(clock: clock)
        dated.observe(status: 503, headers: ["Retry-After": "Fri, 01 May 2026 12:00:30 GMT"])
        #expect(dated.snapshot.pausedFor == .seconds(30))
        let ignored = UpstreamPacer(clock: clock)
        ignored.observe(status: 500, headers: ["Retry-After": "30"])
        #expect(ignored.snapshot.pausedFor == nil)
    }

    @Test func aCancelledWaiterGivesItsSlotBack() async throws {
        let clock = ManualReplayClock()
        let pacer = UpstreamPacer(configuration: UpstreamPacer.Configuration(reserve: 0), clock: clock)
        pacer.observe(status: 201, headers: Self.limitHeaders(limit: 60, remaining: 0))
        let waiter = Task { try await pacer.acquire() }
        await Self.waitUntil("the call waits") { clock.sleeperCount == 1 }
        #expect(pacer.snapshot.inFlight == 1)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(pacer.snapshot.inFlight == 0)
    }
}

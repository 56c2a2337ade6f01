import Curl
import Logging
import PostgresNIO
import PostgresTestSupport
import Strait
import StraitSimulator
import Testing

@testable import ReplayCore

/// The fleet's upstream budget on a real PostgreSQL server: three pacers with clients of their own (three
/// "instances") on one database, one shared clock injected as the budget's time, so every wait is exact.
@Suite struct PostgresUpstreamBudgetTests {
    static let logger = StoreTesting.logger
    static let apiKey = StraitAPIKey("strait_" + String(repeating: "ab", count: 32))
    static let pacing = UpstreamPacer.Configuration(reserve: 0)

    private static func headers(limit: Int, remaining: Int, retryAfter: Int? = nil) -> HTTPHeaders {
        var headers: HTTPHeaders = ["X-RateLimit-Limit": "\(limit)", "X-RateLimit-Remaining": "\(remaining)"]
        if let retryAfter { headers.add(name: "Retry-After", value: "\(retryAfter)") }
        return headers
    }

    /// Runs `body` with `count` pacers, each on a budget with its own client, on a fresh database (migrated unless
    /// `migrated` is false).
    private static func withFleet(
        count: Int = 3,
        clock: ManualReplayClock,
        migrated: Bool = true,
        _ body: ([UpstreamPacer], [PostgresUpstreamBudget], PostgresClient) async throws -> Void
    ) async throws {
        let settings = try await PostgresTestCluster.shared.freshDatabase()
        let clients = (0..<count).map { _ in
            PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
        }
        let keyHash = PostgresUpstreamBudget.keyHash(of: apiKey)
        let budgets = clients.map { client in
            PostgresUpstreamBudget(
                client: client,
                keyHash: { keyHash },
                clock: clock,
                timeSource: .clock,
                logger: logger
            )
        }
        let pacers = budgets.map { UpstreamPacer(configuration: pacing, clock: clock, fleet: $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.run() } }
            for budget in budgets { group.addTask { try await budget.run() } }
            defer { group.cancelAll() }
            if migrated { try await PostgresStateMigrator(client: clients[0], logger: logger).migrate() }
            try await body(pacers, budgets, clients[0])
        }
    }

    /// When each call is let through, from the first, on `clock`: `calls` acquisitions round-robin over `pacers`.
    private static func admissionTimes(
        _ pacers: [UpstreamPacer],
        calls: Int,
        clock: ManualReplayClock
    ) async throws -> [Duration] {
        let start = clock.monotonicNow()
        var times: [Duration] = []
        for index in 0..<calls {
            try await pacers[index % pacers.count].acquire()
            times.append(clock.monotonicNow() - start)
        }
        return times
    }

    @Test func threeInstancesAdmitTogetherExactlyWhatOneBudgetAllows() async throws {
        // One pacer alone, on today's local budget: the reference.
        let alone = ManualReplayClock(autoAdvance: true)
        let single = UpstreamPacer(configuration: Self.pacing, clock: alone)
        single.observe(try await single.acquire(), status: 201, headers: Self.headers(limit: 60, remaining: 9))
        let reference = try await Self.admissionTimes([single], calls: 15, clock: alone)
        // Strait said 9 are left of 60 per minute: 9 go at once, then one per second.
        let expected = Array(repeating: Duration.zero, count: 9) + (1...6).map { Duration.seconds($0) }
        #expect(reference == expected)

        let clock = ManualReplayClock(autoAdvance: true)
        try await Self.withFleet(clock: clock) { pacers, budgets, _ in
            pacers[0].observe(
                try await pacers[0].acquire(),
                status: 201,
                headers: Self.headers(limit: 60, remaining: 9)
            )
            await budgets[0].flush()
            // Only the first instance saw an answer, and the second has not read the fleet's schedule yet; all
            // three are paced by what the first learned.
            #expect(pacers[1].snapshot.limit == nil)
            let times = try await Self.admissionTimes(pacers, calls: 15, clock: clock)
            #expect(times == reference)
            let state = try #require(await pacers[2].budgetState())
            #expect(state.limit == 60)
            #expect(state.remaining == 9)
            #expect(state.granted == 16)
            #expect(state.reachable)
        }
    }

    @Test func aThrottleLearnedByOneInstancePausesTheOthers() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        try await Self.withFleet(clock: clock) { pacers, budgets, _ in
            let first = try await pacers[0].acquire()
            pacers[0].observe(first, status: 201, headers: Self.headers(limit: 60, remaining: 30))
            let refused = try await pacers[0].acquire()
            // Strait's key limiter: 429 with the full window as Retry-After. The pacer probes after T = 1 s.
            pacers[0].observe(refused, status: 429, headers: Self.headers(limit: 60, remaining: 0, retryAfter: 60))
            await budgets[0].flush()
            let state = try #require(await pacers[1].budgetState())
            #expect(state.pausedFor == .seconds(1))
            #expect(state.remaining == 0)

            let start = clock.monotonicNow()
            try await pacers[1].acquire()
            let second = clock.monotonicNow() - start
            try await pacers[2].acquire()
            let third = clock.monotonicNow() - start
            // The others wait for the pause, then go one per interval.
            #expect(second == .seconds(1))
            #expect(third == .seconds(2))
        }
    }

    @Test func aRetryAfterLearnedByOneIsHonouredByAllBeforeAnyLimitIsKnown() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        try await Self.withFleet(clock: clock) { pacers, budgets, _ in
            let first = try await pacers[0].acquire()
            pacers[0].observe(first, status: 503, headers: ["Retry-After": "7"])
            await budgets[0].flush()
            let start = clock.monotonicNow()
            try await pacers[1].acquire()
            #expect(clock.monotonicNow() - start == .seconds(7))
            try await pacers[2].acquire()
            #expect(clock.monotonicNow() - start == .seconds(7), "no limit known: no spacing after the pause")
        }
    }

    /// One call of a burst: when it went, from the burst's start, and whether Strait admitted it.
    private struct Call: Equatable {
        var at: Duration
        var admitted: Bool
    }

    /// A burst of `requests` calls at 600/min sent one after another (2 ms each) through `pacers` in turn, against
    /// the simulator's own sliding-window limiter (driven directly) on `clock`, from `startOffset` into its aligned
    /// window. A 429 carries `Retry-After` = the full window, as Strait's key limiter sends it. `answered` runs
    /// after each answer is observed.
    private static func burst(
        _ pacers: [UpstreamPacer],
        requests: Int,
        clock: ManualReplayClock,
        answered: (Int) async -> Void = { _ in }
    ) async throws -> [Call] {
        let limit = SimulatorConfiguration.RateLimit(requests: 600, window: .seconds(60))
        let start = clock.monotonicNow()
        var strait = SlidingWindowLimiter()
        var calls: [Call] = []
        while calls.count(where: \.admitted) < requests {
            let instance = calls.count % pacers.count
            let ticket = try await pacers[instance].acquire()
            let sentAt = clock.monotonicNow()
            let answer = strait.attempt(key: "key", limit: limit, now: sentAt)
            try await clock.sleep(for: .milliseconds(2))
            var headers = Self.headers(limit: 600, remaining: max(0, answer.remaining))
            if !answer.allowed { headers.add(name: "Retry-After", value: "60") }
            pacers[instance].observe(ticket, status: answer.allowed ? 201 : 429, headers: headers)
            await answered(instance)
            calls.append(Call(at: sentAt - start, admitted: answer.allowed))
        }
        return calls
    }

    /// Three instances on one database pace a burst exactly as one instance does (the window sweeps hold one
    /// instance to the bar of 1.1× the minimum with at most 1 % 429s): a burst of 1,000 calls at 600/min, sent
    /// round-robin through three instances, is let through at the same times, to the millisecond, with the same
    /// calls refused, as through one pacer alone. Each answer is written to the fleet's schedule before the next
    /// call, as one instance observes an answer before its next decision.
    @Test(arguments: [Duration.zero, .seconds(30), .seconds(45)])
    func threeInstancesPaceABurstExactlyAsOneDoes(startOffset: Duration) async throws {
        let alone = ManualReplayClock(autoAdvance: true)
        try await alone.sleep(for: startOffset)
        let reference = try await Self.burst([UpstreamPacer(clock: alone)], requests: 1000, clock: alone)

        let clock = ManualReplayClock(autoAdvance: true)
        try await clock.sleep(for: startOffset)
        try await Self.withFleet(clock: clock) { pacers, budgets, _ in
            let calls = try await Self.burst(pacers, requests: 1000, clock: clock) { await budgets[$0].flush() }
            #expect(calls.count == reference.count)
            let refused = { (calls: [Call]) in calls.indices.filter { !calls[$0].admitted } }
            #expect(refused(calls) == refused(reference), "the same calls refused")
            let apart = zip(calls, reference).filter { abs(($0.at - $1.at) / .milliseconds(1)) >= 1 }
            #expect(
                apart.isEmpty,
                "\(apart.count) calls went at other times; the first: \(String(describing: apart.first))"
            )
            let state = try #require(await pacers[1].budgetState())
            #expect(state.granted == Int64(calls.count), "every call of all three went through one schedule")
            #expect(state.limit == 600)
        }
    }

    /// Callers queued for slots further ahead than one interval do not hold them: when a later answer pauses the
    /// fleet, none of them goes at its old slot (Strait would refuse it); they wait for the pause instead.
    @Test func slotsFarAheadAreNotHeldThroughALaterPause() async throws {
        let clock = ManualReplayClock()
        try await Self.withFleet(count: 2, clock: clock) { pacers, budgets, _ in
            // Before any limit is known nothing is spaced: two calls go at once.
            let answered = try await pacers[0].acquire()
            let throttled = try await pacers[0].acquire()
            // The first says the window is empty, 60 per minute; one more call is out: the fleet's next slots are
            // 2 s, 3 s and 4 s away.
            pacers[0].observe(answered, status: 201, headers: Self.headers(limit: 60, remaining: 0))
            await budgets[0].flush()
            let granted = PassCounter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await pacers[1].acquire()
                        granted.increment()
                    }
                }
                // Nobody takes a slot that far ahead: all three sleep until one interval before the next one.
                try await Self.eventually { clock.sleeperCount == 3 }
                // Then the second call's answer pauses the fleet for 30 s.
                pacers[0].observe(throttled, status: 503, headers: ["Retry-After": "30"])
                await budgets[0].flush()
                for _ in 0..<4 {
                    clock.advance(by: .seconds(1))
                    try await Self.eventually { clock.sleeperCount == 3 }
                }
                #expect(granted.value == 0, "past their old slots, all three wait for the pause")
                // After the pause, they go one interval apart.
                clock.advance(by: .seconds(26))
                for _ in 0..<50 where granted.value < 3 {
                    try await Self.eventually { clock.sleeperCount > 0 || granted.value == 3 }
                    clock.advance(by: .seconds(1))
                }
                try await group.waitForAll()
            }
            #expect(granted.value == 3)
        }
    }

    /// An instance that cannot use the budget (here its table is missing) lets nothing through, and goes on once
    /// the database answers.
    @Test func anUnusableBudgetFailsClosedAndRecovers() async throws {
        let clock = ManualReplayClock()
        try await Self.withFleet(count: 1, clock: clock, migrated: false) { pacers, _, client in
            let granted = PassCounter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await pacers[0].acquire()
                    granted.increment()
                }
                try await Self.eventually { clock.sleeperCount == 1 }
                #expect(granted.value == 0, "no call goes while the budget cannot be read")
                #expect(clock.requestedSleeps == [.milliseconds(500)])
                try await PostgresStateMigrator(client: client, logger: Self.logger).migrate()
                clock.advance(by: .milliseconds(500))
                try await group.waitForAll()
            }
            #expect(granted.value == 1)
        }
    }

    /// Waits (real time, in short steps; a hang guard of minutes, never an assertion on time) until `condition`.
    private static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<30_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition never held")
    }

    @Test func theKeyIsStoredOnlyAsAHash() async throws {
        let clock = ManualReplayClock(autoAdvance: true)
        try await Self.withFleet(count: 1, clock: clock) { pacers, _, client in
            try await pacers[0].acquire()
            let rows = try await client.query("SELECT key_hash FROM upstream_schedule", logger: Self.logger).collect()
            #expect(rows.count == 1)
            let stored = try rows[0].decode(String.self)
            #expect(stored == PostgresUpstreamBudget.keyHash(of: Self.apiKey))
            #expect(stored.count == 64)
            #expect(!stored.contains("abab"), "not the key")
        }
    }
}

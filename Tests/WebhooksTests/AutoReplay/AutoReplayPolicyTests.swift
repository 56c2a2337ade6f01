import Testing
import Webhooks

struct AutoReplayPolicyTests {
    static let now: Int64 = 1_777_636_800

    static func notification(
        status: String = "failed",
        error: String? = "upstream timeout after 30s"
    )
        -> StraitRunNotification
    {
        StraitRunNotification(
            runID: "run-3",
            jobID: "job-1",
            status: status,
            attempt: 1,
            error: error,
            deliveryID: "rk_1"
        )
    }

    @Test func defaultsReplayFailedAndTimedOutRuns() throws {
        let policy = try AutoReplayPolicy()
        #expect(policy.statuses == ["failed", "timed_out"])
        #expect(policy.maxReplaysPerRun == 3)
        #expect(policy.cooldownSeconds == 600)
        let fresh = AutoReplayHistory.none(originalRunID: "run-1")
        #expect(policy.decide(Self.notification(), history: fresh, now: Self.now) == .replay(number: 1))
        #expect(policy.decide(Self.notification(status: "timed_out"), history: fresh, now: Self.now).isReplay)
        // No patterns: a failed run qualifies even without error text.
        #expect(policy.decide(Self.notification(error: nil), history: fresh, now: Self.now).isReplay)
    }

    @Test(arguments: ["completed", "canceled", "crashed", "queued", "dead_letter"])
    func otherStatusesAreNotEligible(status: String) throws {
        let decision = try AutoReplayPolicy().decide(
            Self.notification(status: status),
            history: .none(originalRunID: "run-1"),
            now: Self.now
        )
        guard case .skip(let reason) = decision else {
            Issue.record("expected a skip for \(status)")
            return
        }
        #expect(reason.code == .statusNotEligible)
        #expect(reason.message.contains(status))
    }

    @Test func errorPatternsAreSearchedAnywhere() throws {
        let policy = try AutoReplayPolicy(errorPatterns: [#"timeout after \d+s"#, "(?i)connection reset"])
        let fresh = AutoReplayHistory.none(originalRunID: "run-1")
        #expect(
            policy.decide(Self.notification(error: "step 3: upstream timeout after 30s"), history: fresh, now: 0)
                .isReplay
        )
        #expect(
            policy.decide(Self.notification(error: "read: CONNECTION RESET by peer"), history: fresh, now: 0).isReplay
        )
        let unmatched = policy.decide(Self.notification(error: "division by zero"), history: fresh, now: 0)
        #expect(unmatched == .skip(AutoReplaySkipReason(code: .errorNotMatched, message: unmatchedMessage(2))))
        guard case .skip(let noError) = policy.decide(Self.notification(error: nil), history: fresh, now: 0) else {
            Issue.record("a run without error text must not match patterns")
            return
        }
        #expect(noError.code == .errorNotMatched)
    }

    private func unmatchedMessage(_ count: Int) -> String {
        "the run's error matches none of the \(count) configured patterns"
    }

    @Test func theLineageLimitStopsAReplayLoop() throws {
        let policy = try AutoReplayPolicy(maxReplaysPerRun: 3, cooldown: .seconds(60))
        // Simulate a job that always fails: each replay fails again 2 minutes later and notifies replayd.
        var history = AutoReplayHistory.none(originalRunID: "run-1")
        var now = Self.now
        var replays = 0
        for _ in 0..<10 {
            switch policy.decide(Self.notification(), history: history, now: now) {
            case .replay(let number):
                replays += 1
                #expect(number == replays)
                history.automaticReplays += 1
                history.lastReplayAt = now
            case .skip(let reason):
                #expect(reason.code == .maxReplaysReached)
                #expect(reason.message.contains("run-1"))
            }
            now += 120
        }
        #expect(replays == 3)
    }

    @Test func cooldownIsMeasuredFromTheLastAutomaticReplay() throws {
        let policy = try AutoReplayPolicy(cooldown: .seconds(600))
        let history = AutoReplayHistory(originalRunID: "run-1", automaticReplays: 1, lastReplayAt: Self.now)
        guard case .skip(let reason) = policy.decide(Self.notification(), history: history, now: Self.now + 599) else {
            Issue.record("expected cooling down")
            return
        }
        #expect(reason.code == .coolingDown)
        #expect(reason.message.contains("1s left"))
        #expect(policy.decide(Self.notification(), history: history, now: Self.now + 600) == .replay(number: 2))
        // A last replay in the future (clock stepped back) still counts as cooling down.
        guard case .skip(let future) = policy.decide(Self.notification(), history: history, now: Self.now - 30) else {
            Issue.record("expected cooling down")
            return
        }
        #expect(future.code == .coolingDown)
    }

    @Test func checksRunInTheDocumentedOrder() throws {
        let policy = try AutoReplayPolicy(errorPatterns: ["timeout"], maxReplaysPerRun: 1)
        let exhausted = AutoReplayHistory(originalRunID: "run-1", automaticReplays: 1, lastReplayAt: Self.now)
        func code(_ notification: StraitRunNotification) -> AutoReplaySkipReason.Code? {
            if case .skip(let reason) = policy.decide(notification, history: exhausted, now: Self.now) {
                return reason.code
            }
            return nil
        }
        #expect(code(Self.notification(status: "completed", error: "nope")) == .statusNotEligible)
        #expect(code(Self.notification(error: "nope")) == .errorNotMatched)
        #expect(code(Self.notification()) == .maxReplaysReached)
    }

    @Test func badConfigurationIsRefusedAtInit() throws {
        let pattern = try #require(throws: AutoReplayPolicyError.self) {
            try AutoReplayPolicy(errorPatterns: ["ok", "time(out"])
        }
        #expect(pattern.code == .invalidPattern)
        #expect(pattern.message.contains("error_patterns[1]"))
        #expect(pattern.message.contains("time(out"))

        let status = try #require(throws: AutoReplayPolicyError.self) {
            try AutoReplayPolicy(statuses: ["failed", "completed"])
        }
        #expect(status.code == .invalidStatus)
        #expect(status.message.contains("\"completed\""))
        #expect(throws: AutoReplayPolicyError.self) { try AutoReplayPolicy(statuses: []) }

        let limit = try #require(throws: AutoReplayPolicyError.self) { try AutoReplayPolicy(maxReplaysPerRun: 0) }
        #expect(limit.code == .invalidLimit)
        #expect(throws: AutoReplayPolicyError.self) { try AutoReplayPolicy(cooldown: .seconds(-1)) }
    }

    @Test func cooldownFractionsRoundUpAndCrashedRunsCanBeOptedInto() throws {
        let policy = try AutoReplayPolicy(statuses: ["crashed", "system_failed"], cooldown: .milliseconds(1500))
        #expect(policy.cooldownSeconds == 2)
        let fresh = AutoReplayHistory.none(originalRunID: "run-1")
        #expect(policy.decide(Self.notification(status: "crashed"), history: fresh, now: 0).isReplay)
        #expect(!policy.decide(Self.notification(status: "failed"), history: fresh, now: 0).isReplay)
    }
}

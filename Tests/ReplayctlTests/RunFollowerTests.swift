import Curl
import ReplayctlKit
import Strait
import Testing

@Suite struct RunFollowerTests {
    private func run(_ status: String) -> HTTPResponse {
        Fixtures.response(200, #"{"id":"run_new_1","status":"\#(status)","job_id":"job_1","project_id":"p"}"#)
    }

    @Test func reportsEachStatusChangeAndEndsAtCompletedWithExitZero() async {
        let daemon = ScriptedDaemon(
            posts: [],
            gets: [run("queued"), run("queued"), run("executing"), run("completed")]
        )
        let clock = FakeWaitClock()
        let follower = RunFollower(client: daemon.client(), clock: clock, interval: .seconds(2), timeout: .seconds(60))
        var seen: [RunStatus] = []
        let outcome = await follower.follow(runID: "run_new_1") { seen.append($0) }
        #expect(seen == [.queued, .executing, .completed])
        #expect(outcome.exitStatus == .ok)
        #expect(clock.slept == [.seconds(2), .seconds(2), .seconds(2)])
        #expect(daemon.requests.allSatisfy { $0.url == "http://localhost/v1/runs/run_new_1" })
    }

    @Test func aFailedRunExitsOneLikeTheStraitCLI() async {
        let daemon = ScriptedDaemon(posts: [], gets: [run("executing"), run("failed")])
        let follower = RunFollower(
            client: daemon.client(),
            clock: FakeWaitClock(),
            interval: .seconds(1),
            timeout: .seconds(60)
        )
        let outcome = await follower.follow(runID: "run_new_1") { _ in }
        guard case .finished(let status, _) = outcome else {
            Issue.record("expected finished, got \(outcome)")
            return
        }
        #expect(status == .failed)
        #expect(outcome.exitStatus == .general)
    }

    @Test func givesUpAfterTheTimeoutOnTheInjectedClock() async {
        let daemon = ScriptedDaemon(posts: [], gets: [], getFallback: run("executing"))
        let clock = FakeWaitClock()
        let follower = RunFollower(client: daemon.client(), clock: clock, interval: .seconds(2), timeout: .seconds(10))
        let outcome = await follower.follow(runID: "run_new_1") { _ in }
        #expect(outcome == .timedOut(status: .executing))
        #expect(outcome.exitStatus == .general)
        #expect(clock.slept.count == 5)
    }

    private static let unreachable = Fixtures.response(
        502,
        Fixtures.envelope("upstream_unreachable", "could not reach Strait")
    )

    @Test func aPassingUpstreamFailureIsReadAgain() async {
        let daemon = ScriptedDaemon(
            posts: [],
            gets: [run("queued"), Self.unreachable, Self.unreachable, run("completed")]
        )
        let clock = FakeWaitClock()
        let follower = RunFollower(client: daemon.client(), clock: clock, interval: .seconds(1), timeout: .seconds(60))
        var seen: [RunStatus] = []
        let outcome = await follower.follow(runID: "run_new_1") { seen.append($0) }
        #expect(outcome.exitStatus == .ok)
        #expect(seen == [.queued, .completed])
        #expect(daemon.requests.count == 4)
    }

    @Test func failuresInARowEndFollowingWithTheirExitCode() async {
        let daemon = ScriptedDaemon(posts: [], gets: [], getFallback: Self.unreachable)
        let follower = RunFollower(
            client: daemon.client(),
            clock: FakeWaitClock(),
            interval: .seconds(1),
            timeout: .seconds(60)
        )
        let outcome = await follower.follow(runID: "run_new_1") { _ in }
        #expect(outcome.exitStatus == .upstreamUnreachable)
        #expect(daemon.requests.count == RunFollower.maxTransientFailures)
    }

    private static func rateLimited(retryAfter: String?) -> HTTPResponse {
        Fixtures.response(
            429,
            Fixtures.envelope("rate_limited", "too many requests"),
            headers: retryAfter.map { [("Retry-After", $0)] } ?? []
        )
    }

    /// A 429 asks to wait, not to give up: following waits its `Retry-After`, or a doubling pause without one,
    /// for more 429s in a row than `maxTransientFailures`, and goes on to the end.
    @Test func rateLimitedReadsWaitTheirRetryAfterAndFollowingGoesOn() async {
        let daemon = ScriptedDaemon(
            posts: [],
            gets: [
                run("queued"), Self.rateLimited(retryAfter: "7"), Self.rateLimited(retryAfter: "7"),
                Self.rateLimited(retryAfter: nil), Self.rateLimited(retryAfter: nil), run("completed"),
            ]
        )
        let clock = FakeWaitClock()
        let follower = RunFollower(client: daemon.client(), clock: clock, interval: .seconds(2), timeout: .seconds(60))
        var seen: [RunStatus] = []
        let outcome = await follower.follow(runID: "run_new_1") { seen.append($0) }
        #expect(outcome.exitStatus == .ok)
        #expect(seen == [.queued, .completed])
        #expect(clock.slept == [.seconds(2), .seconds(7), .seconds(7), .seconds(8), .seconds(16)])
    }

    /// ... but only while the follow timeout allows: a wait that would end past it ends following with the 429.
    @Test func aRetryAfterPastTheTimeoutEndsFollowingWithThe429() async {
        let daemon = ScriptedDaemon(posts: [], gets: [run("queued"), Self.rateLimited(retryAfter: "120")])
        let clock = FakeWaitClock()
        let follower = RunFollower(client: daemon.client(), clock: clock, interval: .seconds(2), timeout: .seconds(60))
        let outcome = await follower.follow(runID: "run_new_1") { _ in }
        guard case .failed(let failure) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(failure.httpStatus == 429)
        #expect(clock.slept == [.seconds(2)])
    }

    /// Passing upstream failures back off too: the pause doubles with each in a row.
    @Test func passingFailuresInARowBackOff() async {
        let daemon = ScriptedDaemon(posts: [], gets: [Self.unreachable, Self.unreachable, run("completed")])
        let clock = FakeWaitClock()
        let follower = RunFollower(client: daemon.client(), clock: clock, interval: .seconds(1), timeout: .seconds(60))
        let outcome = await follower.follow(runID: "run_new_1") { _ in }
        #expect(outcome.exitStatus == .ok)
        #expect(clock.slept == [.seconds(1), .seconds(2)])
        #expect(RunFollower.pause(interval: .seconds(1), failuresInARow: 40, retryAfter: nil) == RunFollower.maxBackoff)
        #expect(RunFollower.pause(interval: .seconds(5), failuresInARow: 1, retryAfter: "1") == .seconds(5))
    }

    @Test func aRefusalEndsFollowingAtOnce() async {
        let daemon = ScriptedDaemon(
            posts: [],
            gets: [Fixtures.response(404, Fixtures.envelope("not_found", "run not found"))]
        )
        let follower = RunFollower(
            client: daemon.client(),
            clock: FakeWaitClock(),
            interval: .seconds(1),
            timeout: .seconds(60)
        )
        let outcome = await follower.follow(runID: "run_new_1") { _ in }
        #expect(outcome.exitStatus == .notFound)
        #expect(daemon.requests.count == 1)
    }
}

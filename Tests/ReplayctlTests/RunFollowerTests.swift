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

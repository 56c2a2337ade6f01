import Curl
import ReplayctlKit
import Synchronization
import Testing

@Suite struct WaitPolicyTests {
    private let policy = WaitPolicy(waitTimeout: .seconds(10))
    private let now: Int64 = 1_777_636_800

    private func inProgress(_ retryAfter: String?) -> ReplayAnswer {
        .inProgress(key: "k", retryAfter: retryAfter)
    }

    @Test func readsRetryAfterOrWaitsOneSecond() {
        #expect(policy.interval(retryAfter: "3", nowUnixSeconds: now) == .seconds(3))
        #expect(policy.interval(retryAfter: nil, nowUnixSeconds: now) == .seconds(1))
        #expect(policy.interval(retryAfter: "soon", nowUnixSeconds: now) == .seconds(1))
        #expect(policy.interval(retryAfter: "0", nowUnixSeconds: now) == .milliseconds(100))
        #expect(policy.interval(retryAfter: "Fri, 01 May 2026 12:00:04 GMT", nowUnixSeconds: now) == .seconds(4))
    }

    @Test func reSendsA409UntilTheWaitIsOver() {
        #expect(
            policy.decision(after: inProgress("1"), elapsed: .zero, requestHasKey: true, nowUnixSeconds: now)
                == .resend(after: .seconds(1))
        )
        #expect(
            policy.decision(after: inProgress("5"), elapsed: .seconds(8), requestHasKey: true, nowUnixSeconds: now)
                == .resend(after: .seconds(2))
        )
        #expect(
            policy.decision(after: inProgress("1"), elapsed: .seconds(10), requestHasKey: true, nowUnixSeconds: now)
                == .stopPending
        )
    }

    @Test func noWaitStopsAt409And202() {
        let noWait = WaitPolicy(waitTimeout: .seconds(10), waits: false)
        #expect(
            noWait.decision(after: inProgress(nil), elapsed: .zero, requestHasKey: true, nowUnixSeconds: now)
                == .stopPending
        )
        let pending = ReplayAnswer.pending(PendingReplay(key: "k", message: "later"))
        #expect(
            noWait.decision(after: pending, elapsed: .zero, requestHasKey: true, nowUnixSeconds: now) == .stopPending
        )
    }

    @Test func pollsA202AtRetryAfterWithinTheWait() {
        let pending = ReplayAnswer.pending(PendingReplay(key: "k", retryAfter: "2", message: "later"))
        #expect(
            policy.decision(after: pending, elapsed: .seconds(1), requestHasKey: false, nowUnixSeconds: now)
                == .poll(after: .seconds(2))
        )
        #expect(
            policy.nextPoll(retryAfter: nil, elapsed: .milliseconds(9_500), nowUnixSeconds: now)
                == .poll(after: .milliseconds(500))
        )
        #expect(policy.nextPoll(retryAfter: nil, elapsed: .seconds(11), nowUnixSeconds: now) == .stopPending)
    }

    @Test func reSendsAnOverloadOnlyWithAKey() {
        let overloaded = ReplayAnswer.overloaded(
            ReplayFailure(message: "busy", exitStatus: .upstreamServerError),
            retryAfter: nil
        )
        #expect(
            policy.decision(after: overloaded, elapsed: .zero, requestHasKey: true, nowUnixSeconds: now)
                == .resend(after: .seconds(1))
        )
        #expect(policy.decision(after: overloaded, elapsed: .zero, requestHasKey: false, nowUnixSeconds: now) == .done)
        #expect(
            policy.decision(after: overloaded, elapsed: .seconds(10), requestHasKey: true, nowUnixSeconds: now) == .done
        )
    }

    @Test func finalAnswersAreDone() {
        let created = ReplayAnswer.created(
            CreatedReplay(key: nil, body: nil, run: nil, newRunID: "r", replayed: false, coalesced: false)
        )
        #expect(policy.decision(after: created, elapsed: .zero, requestHasKey: false, nowUnixSeconds: now) == .done)
        let failed = ReplayAnswer.failed(ReplayFailure(message: "no", exitStatus: .notFound))
        #expect(policy.decision(after: failed, elapsed: .zero, requestHasKey: false, nowUnixSeconds: now) == .done)
    }
}

@Suite struct ConnectRetryTests {
    @Test func retriesAFailedConnectABitThenGivesUp() {
        let policy = WaitPolicy()
        #expect(policy.connectRetryDelay(afterFailures: 1) == .milliseconds(100))
        #expect(policy.connectRetryDelay(afterFailures: 3) == .milliseconds(500))
        #expect(policy.connectRetryDelay(afterFailures: 4) == nil)
        #expect(policy.connectRetryDelay(afterFailures: 0) == nil)
    }

    @Test func theRunnerReconnectsOnlyWhenNothingWasSent() async {
        let attempts = Mutex(0)
        let http = ClosureHTTPClient { _ async throws(CurlError) -> HTTPResponse in
            let attempt = attempts.withLock { count in
                count += 1
                return count
            }
            guard attempt >= 3 else { throw CurlError(code: .couldNotConnect, message: "refused") }
            return Fixtures.response(201, Fixtures.runJSON)
        }
        let client = DaemonClient(socketPath: "/s", timeout: .seconds(1), http: http)
        let clock = FakeWaitClock()
        let result = await ReplayRunner(client: client, policy: WaitPolicy(), clock: clock)
            .replay(ReplayRequestSpec(runID: "r"))
        #expect(result.exitStatus == .ok)
        #expect(clock.slept == [.milliseconds(100), .milliseconds(250)])

        let down = ClosureHTTPClient { _ async throws(CurlError) -> HTTPResponse in
            throw CurlError(code: .couldNotConnect, message: "refused")
        }
        let unreachable = await ReplayRunner(
            client: DaemonClient(socketPath: "/s", timeout: .seconds(1), http: down),
            policy: WaitPolicy(),
            clock: FakeWaitClock()
        )
        .replay(ReplayRequestSpec(runID: "r"))
        #expect(unreachable.exitStatus == .daemonUnreachable)
    }
}

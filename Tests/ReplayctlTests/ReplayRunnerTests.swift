import Curl
import ReplayctlKit
import Synchronization
import Testing

@Suite struct ReplayRunnerTests {
    private let spec = ReplayRequestSpec(runID: "run_failed_1", idempotencyKey: "k1")
    private let inProgress = Fixtures.response(
        409,
        Fixtures.envelope("request_in_progress", "in flight"),
        headers: [("Retry-After", "2"), ("Idempotency-Key", "k1")]
    )
    private let accepted = Fixtures.response(
        202,
        #"{"error":{"code":"outcome_pending","message":"still working"},"replay":"#
            + Fixtures.record(state: "reconciling") + "}",
        headers: [("Idempotency-Key", "k1"), ("Location", "/v1/replays/k1")]
    )

    private func runner(_ daemon: ScriptedDaemon, _ clock: FakeWaitClock, waits: Bool = true) -> ReplayRunner {
        ReplayRunner(client: daemon.client(), policy: WaitPolicy(waitTimeout: .seconds(5), waits: waits), clock: clock)
    }

    @Test func reSendsA409HonouringRetryAfterThenReturnsTheRun() async {
        let daemon = ScriptedDaemon(posts: [inProgress, inProgress, Fixtures.response(201, Fixtures.runJSON)])
        let clock = FakeWaitClock()
        let waited = Mutex(0)
        let result = await runner(daemon, clock).replay(spec) { waited.withLock { $0 += 1 } }
        guard case .created(let created) = result else {
            Issue.record("expected created, got \(result)")
            return
        }
        #expect(created.newRunID == "run_new_1")
        #expect(clock.slept == [.seconds(2), .seconds(2)])
        #expect(waited.withLock { $0 } == 1)
        // Before each wait, a look at the record (is it stuck waiting for a person?).
        #expect(daemon.methods == ["POST", "GET", "POST", "GET", "POST"])
        let posts = daemon.requests.filter { $0.method == "POST" }
        #expect(posts.allSatisfy { $0.headers["Idempotency-Key"] == "k1" })
        #expect(posts[0].url == "http://localhost/v1/runs/run_failed_1/replay")
    }

    @Test func aLasting409EndsPendingWithTheRecord() async {
        let record = Fixtures.response(200, Fixtures.record(state: "in_flight"))
        let daemon = ScriptedDaemon(posts: [], postFallback: inProgress, getFallback: record)
        let clock = FakeWaitClock()
        let result = await runner(daemon, clock).replay(spec)
        #expect(result.exitStatus == .outcomePending)
        guard case .pending(let pending) = result else { return }
        #expect(pending.record?.state == "in_flight")
        #expect(pending.message.contains("after waiting 5 s"))
        #expect(clock.slept == [.seconds(2), .seconds(2), .seconds(1)])
        #expect(daemon.requests.last?.method == "GET")
        #expect(daemon.requests.last?.url == "http://localhost/v1/replays/k1")
    }

    @Test func followsA202UntilTheRecordSucceeds() async {
        let stillPending = Fixtures.response(
            200,
            Fixtures.record(state: "reconciling"),
            headers: [("Retry-After", "3")]
        )
        let done = Fixtures.response(
            200,
            Fixtures.record(state: "succeeded", response: Fixtures.succeededResponse, coalescedFrom: #""k0""#)
        )
        let daemon = ScriptedDaemon(posts: [accepted], gets: [stillPending, done])
        let clock = FakeWaitClock()
        let result = await runner(daemon, clock).replay(spec)
        guard case .created(let created) = result else {
            Issue.record("expected created, got \(result)")
            return
        }
        #expect(created.run?.id == "run_new_1")
        #expect(created.coalesced && !created.replayed)
        #expect(clock.slept == [.seconds(1), .seconds(3)])
        #expect(daemon.methods == ["POST", "GET", "GET"])
    }

    @Test func aFailedRecordIsItsStoredError() async {
        let failed = Fixtures.response(200, Fixtures.record(state: "failed", response: Fixtures.failedResponse))
        let result = await runner(ScriptedDaemon(posts: [accepted], gets: [failed]), FakeWaitClock()).replay(spec)
        guard case .failed(let failure) = result else {
            Issue.record("expected failed, got \(result)")
            return
        }
        #expect(failure.exitStatus == .badRequest)
        #expect(failure.message == "run is not replayable")
        #expect(failure.key == "k1")
    }

    @Test func noWaitReturnsThePendingRecordAtOnce() async {
        let daemon = ScriptedDaemon(posts: [accepted])
        let clock = FakeWaitClock()
        let result = await runner(daemon, clock, waits: false).replay(spec)
        guard case .pending(let pending) = result else {
            Issue.record("expected pending, got \(result)")
            return
        }
        #expect(pending.key == "k1" && pending.record?.state == "reconciling")
        #expect(clock.slept.isEmpty)
        #expect(daemon.requests.count == 1)
    }

    @Test func noWaitAsksReplaydNotToWaitAndWaitingDoesNot() async {
        let noWait = ScriptedDaemon(posts: [accepted])
        _ = await runner(noWait, FakeWaitClock(), waits: false).replay(spec)
        #expect(noWait.requests.first?.headers["Prefer"] == "respond-async")
        let waiting = ScriptedDaemon(
            posts: [accepted],
            getFallback: Fixtures.response(200, Fixtures.record(state: "failed"))
        )
        _ = await runner(waiting, FakeWaitClock()).replay(spec)
        #expect(waiting.requests.first?.headers["Prefer"] == nil)
    }

    @Test func stopsFollowingAtTheWaitTimeout() async {
        let stillPending = Fixtures.response(200, Fixtures.record(state: "reconciling"))
        let daemon = ScriptedDaemon(posts: [accepted], getFallback: stillPending)
        let clock = FakeWaitClock()
        let result = await runner(daemon, clock).replay(spec)
        #expect(result.exitStatus == .outcomePending)
        #expect(clock.now() == .seconds(5))
        #expect(daemon.requests.count == 6)
    }

    @Test func transportFailuresNameTheKey() async {
        let http = ClosureHTTPClient { _ async throws(CurlError) -> HTTPResponse in
            var facts = TransferFacts()
            facts.requestBytesSent = 10
            throw CurlError(code: .receiveFailed, message: "reset", facts: facts)
        }
        let client = DaemonClient(socketPath: "/s", timeout: .seconds(1), http: http)
        let result = await ReplayRunner(client: client, policy: WaitPolicy(), clock: FakeWaitClock()).replay(spec)
        guard case .failed(let failure) = result else {
            Issue.record("expected failed, got \(result)")
            return
        }
        #expect(failure.exitStatus == .general)
        #expect(failure.message.contains("replayctl show k1"))
    }
}

@Suite struct IndeterminateTests {
    @Test func anIndeterminateRecordIsNotWaitedForAndExitsEleven() async {
        let accepted = Fixtures.response(
            202,
            #"{"error":{"code":"outcome_pending","message":"later"},"replay":"#
                + Fixtures.record(state: "reconciling") + "}",
            headers: [("Idempotency-Key", "k1")]
        )
        let stuck = Fixtures.response(200, Fixtures.record(state: "indeterminate"))
        let daemon = ScriptedDaemon(posts: [accepted], gets: [stuck])
        let clock = FakeWaitClock()
        let policy = WaitPolicy(waitTimeout: .seconds(60))
        let result = await ReplayRunner(client: daemon.client(), policy: policy, clock: clock)
            .replay(ReplayRequestSpec(runID: "r"))
        #expect(result.exitStatus == .outcomeUnknown)
        #expect(clock.slept == [.seconds(1)])
        guard case .pending(let pending) = result else { return }
        #expect(pending.message.contains("replayctl resolve k1"))
    }

    @Test func a409ForAnIndeterminateRecordStopsAtOnce() async {
        let inProgress = Fixtures.response(409, Fixtures.envelope("request_in_progress", "busy"))
        let stuck = Fixtures.response(200, Fixtures.record(state: "indeterminate"))
        let daemon = ScriptedDaemon(posts: [inProgress], gets: [stuck])
        let clock = FakeWaitClock()
        let result = await ReplayRunner(client: daemon.client(), policy: WaitPolicy(), clock: clock)
            .replay(ReplayRequestSpec(runID: "r", idempotencyKey: "k1"))
        #expect(result.exitStatus == .outcomeUnknown)
        #expect(clock.slept.isEmpty)
        #expect(daemon.methods == ["POST", "GET"])
    }

    @Test func theDecisionStopsAtAnIndeterminateRecord() throws {
        let record = try #require(Fixtures.decodeRecord(Fixtures.record(state: "indeterminate")))
        let answer = ReplayAnswer.pending(PendingReplay(key: "k1", message: "m", record: record))
        let policy = WaitPolicy(waitTimeout: .seconds(60))
        #expect(policy.decision(after: answer, elapsed: .zero, requestHasKey: true, nowUnixSeconds: 0) == .stopPending)
        #expect(
            policy.nextPoll(retryAfter: nil, elapsed: .zero, nowUnixSeconds: 0, needsOperator: true) == .stopPending
        )
    }
}

import Curl
import Logging
import ReplayCore
import Strait
import Synchronization
import Testing

@Suite struct PipelineTests {
    private struct FixedJitter: JitterSource {
        let value: Double
        func nextFraction() -> Double { value }
    }

    private final class ScriptedUpstream: ReplayUpstream {
        let baseURL = "http://strait.test"
        private let script: Mutex<[Result<HTTPResponse, CurlError>]>
        private let calls = Mutex<[String]>([])

        init(_ script: [Result<HTTPResponse, CurlError>]) {
            self.script = Mutex(script)
        }

        var requestIDs: [String] { calls.withLock { $0 } }

        func replay(
            runID: RunID,
            fromCheckpoint: CheckpointSequence?,
            requestID: String,
            timeout: Duration?
        ) async throws(StraitClientError) -> StraitResult<JobRun> {
            calls.withLock { $0.append(requestID) }
            let next = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            let client = StraitClient(
                baseURL: baseURL,
                apiKey: StraitAPIKey("k"),
                http: ClosureHTTPClient { _ throws(CurlError) in
                    guard let next else { throw CurlError(code: .other, message: "script exhausted") }
                    return try next.get()
                }
            )
            return try await client.replay(runID: runID, fromCheckpoint: fromCheckpoint, requestID: requestID)
        }

        func getRun(_ runID: RunID, requestID: String?) async throws(StraitClientError) -> StraitResult<JobRun> {
            throw .transport(CurlError(code: .other, message: "not scripted"))
        }

        func listRuns(_ query: RunListQuery, requestID: String?) async throws(StraitClientError)
            -> StraitResult<[JobRun]>
        {
            throw .transport(CurlError(code: .other, message: "not scripted"))
        }
    }

    private static let created = HTTPResponse(
        status: 201,
        body: Array(#"{"id":"new","status":"queued","created_at":"2026-05-01T12:00:00Z"}"#.utf8)
    )
    private static let refused = CurlError(code: .couldNotConnect, curlCode: 7, message: "refused")
    private static let principal = Principal(
        name: "alice",
        authentication: .unixPeer(PeerCredentials(uid: 1, gid: 1, pid: 1), matchedBy: "test")
    )

    private func pipeline(
        _ upstream: ScriptedUpstream,
        clock: TestClock,
        maxAttempts: Int = 3,
        policy: any ReplayPolicy = MappedPrincipalsPolicy()
    ) -> ReplayPipeline {
        ReplayPipeline(
            authenticator: DirectoryPeerAuthenticator(directory: PrincipalDirectory(mappings: [])),
            policy: policy,
            upstream: upstream,
            retry: RetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(250), maxDelay: .seconds(5)),
            clock: clock,
            jitter: FixedJitter(value: 0.5),
            health: UpstreamHealth(now: { 1_000 })
        )
    }

    private func request() throws -> ReplayRequest {
        ReplayRequest(runID: try RunID("run_failed_1"), origin: RequestOrigin(door: .socket, requestID: "rq_1"))
    }

    @Test func retriesOnlyWhileNothingWasSentWithJitteredBackoff() async throws {
        let upstream = ScriptedUpstream([.failure(Self.refused), .failure(Self.refused), .success(Self.created)])
        let clock = TestClock()
        let outcome = await pipeline(upstream, clock: clock).execute(
            try request(),
            principal: Self.principal,
            logger: Logger(label: "t")
        )
        guard case .replayed(let run, _, let attempts) = outcome else {
            Issue.record("expected a replay, got \(outcome)")
            return
        }
        #expect(run.id == "new")
        #expect(attempts.map(\.requestID) == ["rq_1-1", "rq_1-2", "rq_1-3"])
        #expect(upstream.requestIDs == ["rq_1-1", "rq_1-2", "rq_1-3"])
        // Full jitter with fraction 0.5: 0.5 × 250 ms, then 0.5 × 500 ms.
        #expect(clock.sleeps == [.milliseconds(125), .milliseconds(250)])
    }

    @Test func givesUpAfterMaxAttemptsAsUnreachable() async throws {
        let upstream = ScriptedUpstream(Array(repeating: .failure(Self.refused), count: 5))
        let clock = TestClock()
        let outcome = await pipeline(upstream, clock: clock, maxAttempts: 2).execute(
            try request(),
            principal: Self.principal,
            logger: Logger(label: "t")
        )
        guard case .failed(let error, let attempts) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .upstreamUnreachable)
        #expect(error.message.contains("http://strait.test"))
        #expect(error.message.contains("no run was created"))
        #expect(attempts.count == 2)
        #expect(upstream.requestIDs.count == 2)
    }

    @Test(arguments: [CurlError.Code.timedOut, .receiveFailed, .sendFailed])
    func neverRetriesOnceBytesWereSent(code: CurlError.Code) async throws {
        let sent = CurlError(code: code, message: "x", facts: TransferFacts(requestBytesSent: 90))
        let upstream = ScriptedUpstream([.failure(sent), .success(Self.created)])
        let clock = TestClock()
        let outcome = await pipeline(upstream, clock: clock).execute(
            try request(),
            principal: Self.principal,
            logger: Logger(label: "t")
        )
        guard case .failed(let error, let attempts) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .upstreamOutcomeUnknown)
        #expect(error.details.contains("upstream_request_id=rq_1-1"))
        #expect(attempts.map(\.result) == [.sentNoResponse(code)])
        #expect(upstream.requestIDs.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test(arguments: [500, 502, 503, 504, 429, 400, 404])
    func neverRetriesAnAnswer(status: Int) async throws {
        let answer = HTTPResponse(status: status, body: Array(#"{"error":{"code":"x","message":"m"}}"#.utf8))
        let upstream = ScriptedUpstream([.success(answer), .success(Self.created)])
        let outcome = await pipeline(upstream, clock: TestClock()).execute(
            try request(),
            principal: Self.principal,
            logger: Logger(label: "t")
        )
        guard case .rejected(let apiError, _) = outcome else {
            Issue.record("expected a rejection")
            return
        }
        #expect(apiError.status == status)
        #expect(upstream.requestIDs.count == 1)
    }

    @Test func policyDenialSendsNothing() async throws {
        struct DenyAll: ReplayPolicy {
            func authorize(_ principal: Principal, _ request: ReplayRequest) throws(ReplayError) {
                throw ReplayError(.forbidden, "no")
            }
        }
        let upstream = ScriptedUpstream([.success(Self.created)])
        let outcome = await pipeline(upstream, clock: TestClock(), policy: DenyAll()).execute(
            try request(),
            principal: Self.principal,
            logger: Logger(label: "t")
        )
        guard case .failed(let error, _) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .forbidden)
        #expect(upstream.requestIDs.isEmpty)
    }

    @Test func backoffIsCappedFullJitter() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(250), maxDelay: .seconds(5))
        #expect(policy.backoff(retry: 1, fraction: 1) == .milliseconds(250))
        #expect(policy.backoff(retry: 2, fraction: 1) == .milliseconds(500))
        #expect(policy.backoff(retry: 5, fraction: 1) == .seconds(4))
        #expect(policy.backoff(retry: 6, fraction: 1) == .seconds(5))
        #expect(policy.backoff(retry: 60, fraction: 1) == .seconds(5))
        #expect(policy.backoff(retry: 3, fraction: 0) == .zero)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}

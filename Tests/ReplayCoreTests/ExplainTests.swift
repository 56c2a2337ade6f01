import Curl
import Foundation
import Logging
import ReplayCore
import Strait
import StraitSimulator
import Synchronization
import Testing

/// Explain and dry-run against real parts (SQLite, libcurl, the simulator): what `explain` says is what the call
/// that follows does, and explaining sends, claims and records nothing.
@Suite struct ExplainTests {
    /// Records every request the Strait client hands to the transport, then sends it for real.
    final class RecordingHTTPClient: HTTPClient {
        private let inner: any HTTPClient
        private let recorded = Mutex<[HTTPRequest]>([])

        init(_ inner: any HTTPClient) { self.inner = inner }

        var requests: [HTTPRequest] { recorded.withLock { $0 } }

        func send(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
            recorded.withLock { $0.append(request) }
            return try await inner.send(request)
        }
    }

    /// Denies every replay and every action but `read`, as a deny-by-default policy with no grant would.
    struct DenyingPolicy: ReplayPolicy {
        func authorize(
            _ principal: Principal,
            _ request: ReplayRequest
        ) async throws(ReplayError) -> ReplayAuthorization {
            throw ReplayError(.forbidden, "no grant allows \(principal.name) to replay \(request.runID)")
        }

        func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {
            guard action == .read else {
                throw ReplayError(.forbidden, "no grant allows \(principal.name) to \(action.rawValue)")
            }
        }
    }

    /// A limiter whose one limit is spent.
    struct SpentLimit: ReplayLimiterPreview {
        func peek(_ principal: Principal, _ request: ReplayRequest) async -> [LimitState] {
            [
                LimitState(
                    name: "principal:\(principal.name)",
                    quota: 5,
                    window: .seconds(60),
                    remaining: 0,
                    retryAfter: .seconds(12)
                )
            ]
        }
    }

    struct Stack {
        let harness: EngineHarness
        let http: RecordingHTTPClient
        let engine: ReplayEngine
        let pipeline: ReplayPipeline
    }

    static func withStack(
        policy: any ReplayPolicy = MappedPrincipalsPolicy(),
        limits: any ReplayLimiterPreview = NoReplayLimits(),
        coalesceWindow: Duration = .zero,
        _ body: (Stack) async throws -> Void
    ) async throws {
        var settings = EngineHarness.defaultSettings
        settings.coalesceWindow = coalesceWindow
        try await EngineHarness.with(settings: settings, runsDrivers: false) { harness in
            let http = RecordingHTTPClient(harness.http)
            var logger = Logger(label: "explain-test")
            logger.logLevel = .critical
            let engine = ReplayEngine(
                store: AuditedReplayStore(harness.store, auditor: harness.audit.auditor),
                upstream: StraitClient(
                    baseURL: harness.baseURL,
                    apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey),
                    http: http
                ),
                auditor: harness.audit.auditor,
                clock: harness.clock,
                waitClock: harness.waitClock,
                jitter: HalfJitter(),
                settings: harness.settings,
                health: UpstreamHealth(now: { 0 }),
                guards: .standard(clock: harness.clock),
                logger: logger
            )
            let directory = PrincipalDirectory(
                mappings: [
                    PrincipalConfig(name: "alice", unixUIDs: [1000]),
                    PrincipalConfig(name: "ci-bot", unixUIDs: [1001]),
                ]
            )
            let pipeline = ReplayPipeline(
                authenticator: DirectoryPeerAuthenticator(directory: directory),
                policy: policy,
                limits: limits,
                principals: directory,
                engine: engine
            )
            try await EngineHarness.withDrivers(of: engine) {
                try await body(Stack(harness: harness, http: http, engine: engine, pipeline: pipeline))
            }
        }
    }

    static let logger = Logger(label: "explain-test")

    @Test func anAllowedExplainIsWhatTheCallThenDoes() async throws {
        try await Self.withStack { stack in
            let request = try stack.harness.request("run_failed_1", key: "explain-1")
            let auditBefore = stack.harness.audit.auditor.status.head.seq
            let explanation = try await stack.pipeline.explain(
                request,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            #expect(
                explanation.policy
                    == PolicyVerdict(
                        allowed: true,
                        rule: nil,
                        reason: "allowed: a mapped principal (no grants configured)"
                    )
            )
            #expect(explanation.limits.isEmpty)
            #expect(explanation.preview.key == "explain-1")
            #expect(explanation.preview.claim == .create)
            #expect(explanation.verdict.status == 201)
            #expect(explanation.verdict.code == nil)
            #expect(explanation.verdict.sendsUpstream)
            // Explaining sent nothing, claimed nothing and wrote no audit record.
            #expect(stack.http.requests.isEmpty)
            #expect(stack.harness.replayPOSTs == 0)
            #expect(try await stack.engine.record(ReplayRecordID(principal: "alice", key: "explain-1")) == nil)
            #expect(stack.harness.audit.auditor.status.head.seq == auditBefore)

            let submission = await stack.pipeline.execute(
                request,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            guard case .completed(let record, replayed: false) = submission else {
                Issue.record("expected a new run, got \(submission)")
                return
            }
            #expect(record.responseStatus == explanation.verdict.status)
            // The request sent is, field for field, the one explained (only the key is redacted).
            let sent = try #require(stack.http.requests.first)
            #expect(stack.http.requests.count == 1)
            let preview = explanation.preview.upstream
            #expect(sent.method == preview.method)
            #expect(sent.url == preview.url)
            #expect(sent.body.map { String(decoding: $0, as: UTF8.self) } == preview.body)
            #expect(sent.timeout == preview.timeout)
            let sentHeaders = sent.headers.map { field in
                field.name == "Authorization"
                    ? UpstreamRequestPreview.redactedAuthorization : "\(field.name): \(field.value)"
            }
            let explainedHeaders = preview.headers.map { field in
                field.name == "Authorization" ? field.value : "\(field.name): \(field.value)"
            }
            #expect(sentHeaders == explainedHeaders)
            #expect(sent.headers["X-Request-Id"] == "\(request.origin.requestID)-1")
            #expect(!preview.headers.contains { $0.value.contains(SimulatorFixtures.demoWriteKey) })

            // Explained again, the same key is done: the stored answer would be replayed, as the call then does.
            let again = try await stack.pipeline.explain(
                request,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            guard case .existing(let existing) = again.preview.claim else {
                Issue.record("expected the existing record, got \(again.preview.claim)")
                return
            }
            #expect(existing.state == .succeeded)
            #expect(again.verdict.status == 201)
            #expect(again.verdict.stage == "idempotency")
            #expect(!again.verdict.sendsUpstream)
            let repeated = await stack.pipeline.execute(
                request,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            guard case .completed(let stored, replayed: true) = repeated else {
                Issue.record("expected the stored answer, got \(repeated)")
                return
            }
            #expect(stored.responseStatus == again.verdict.status)
            #expect(stack.harness.replayPOSTs == 1)
        }
    }

    @Test func aKeyReusedForAnotherRequestIsExplainedAs422() async throws {
        try await Self.withStack { stack in
            let first = try stack.harness.request("run_failed_1", key: "reused")
            _ = await stack.pipeline.execute(first, principal: EngineHarness.principal, logger: Self.logger)
            let other = try stack.harness.request("run_failed_1", key: "reused", checkpoint: 2)
            let explanation = try await stack.pipeline.explain(
                other,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            #expect(explanation.verdict.status == 422)
            #expect(explanation.verdict.code == "idempotency_key_reused")
            #expect(!explanation.verdict.sendsUpstream)
            let submission = await stack.pipeline.execute(
                other,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            guard case .keyReused = submission else {
                Issue.record("expected 422, got \(submission)")
                return
            }
            #expect(ReplayError.Code.idempotencyKeyReused.status == explanation.verdict.status)
            #expect(stack.harness.replayPOSTs == 1)
        }
    }

    @Test func aPolicyDenialIsExplainedAsTheCallIsAnswered() async throws {
        try await Self.withStack(policy: DenyingPolicy()) { stack in
            let request = try stack.harness.request("run_failed_1", key: "denied")
            let explanation = try await stack.pipeline.explain(
                request,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            #expect(!explanation.policy.allowed)
            #expect(explanation.policy.reason == "no grant allows alice to replay run_failed_1")
            #expect(explanation.verdict.status == 403)
            #expect(explanation.verdict.code == "forbidden")
            #expect(explanation.verdict.stage == "policy")
            let submission = await stack.pipeline.execute(
                request,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            guard case .rejected(let error) = submission else {
                Issue.record("expected 403, got \(submission)")
                return
            }
            #expect(error.code.status == explanation.verdict.status)
            #expect(error.code.rawValue == explanation.verdict.code)
            #expect(stack.http.requests.isEmpty)
        }
    }

    @Test func explainAsNeedsTheExplainAsGrant() async throws {
        try await Self.withStack(policy: DenyingPolicy()) { stack in
            let request = try stack.harness.request("run_failed_1")
            let denied = await #expect(throws: ReplayError.self) {
                _ = try await stack.pipeline.explain(
                    request,
                    principal: EngineHarness.principal,
                    as: "ci-bot",
                    logger: Self.logger
                )
            }
            #expect(denied?.code == .forbidden)
            #expect(denied?.message == "no grant allows alice to explain_as")
        }
        try await Self.withStack { stack in
            let request = try stack.harness.request("run_failed_1")
            let explanation = try await stack.pipeline.explain(
                request,
                principal: EngineHarness.principal,
                as: "ci-bot",
                logger: Self.logger
            )
            #expect(explanation.principal.name == "ci-bot")
            #expect(explanation.askedBy?.principal.name == "alice")
            #expect(explanation.askedBy?.verdict.allowed == true)
            #expect(explanation.preview.keyIsGenerated)
            let unknown = await #expect(throws: ReplayError.self) {
                _ = try await stack.pipeline.explain(
                    request,
                    principal: EngineHarness.principal,
                    as: "nobody",
                    logger: Self.logger
                )
            }
            #expect(unknown?.code == .badRequest)
        }
    }

    @Test func aSpentLimitIsExplainedAs429() async throws {
        try await Self.withStack(limits: SpentLimit()) { stack in
            let request = try stack.harness.request("run_failed_1", key: "limited")
            let explanation = try await stack.pipeline.explain(
                request,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            #expect(explanation.limits.count == 1)
            #expect(explanation.verdict.status == 429)
            #expect(explanation.verdict.code == "rate_limited")
            #expect(explanation.verdict.stage == "limits")
        }
    }

    @Test func coalescingIsExplainedAsTheClaimThenDecides() async throws {
        try await Self.withStack(coalesceWindow: .seconds(600)) { stack in
            let leader = try stack.harness.request("run_failed_1", key: "leader")
            guard
                case .completed(let led, _) = await stack.pipeline.execute(
                    leader,
                    principal: EngineHarness.principal,
                    logger: Self.logger
                )
            else {
                Issue.record("the first replay did not complete")
                return
            }
            let follower = try stack.harness.request("run_failed_1", key: "follower")
            let explanation = try await stack.pipeline.explain(
                follower,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            guard case .coalesce(let into) = explanation.preview.claim else {
                Issue.record("expected coalescing, got \(explanation.preview.claim)")
                return
            }
            #expect(into.key == "leader")
            #expect(explanation.leaderVisible)
            #expect(explanation.verdict.stage == "coalescing")
            #expect(!explanation.verdict.sendsUpstream)
            let submission = await stack.pipeline.execute(
                follower,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            guard case .completed(let record, replayed: false) = submission else {
                Issue.record("expected the coalesced answer, got \(submission)")
                return
            }
            #expect(record.coalescedFrom == into.id)
            #expect(record.newRunID == led.newRunID)
            #expect(record.responseStatus == explanation.verdict.status)
            // A forced request is not coalesced, in the explanation as in the call.
            let forced = try stack.harness.request("run_failed_1", key: "forced", force: true)
            let forcedExplanation = try await stack.pipeline.explain(
                forced,
                principal: EngineHarness.principal,
                logger: Self.logger
            )
            #expect(forcedExplanation.preview.claim == .create)
            #expect(forcedExplanation.verdict.sendsUpstream)
            #expect(stack.harness.replayPOSTs == 1)
        }
    }
}

import Foundation
import Logging
import ReplayCore
import Strait

/// The socket door's routes. It only translates: wire format in, `ReplayRequest` to the pipeline, outcome back
/// to Strait-shaped JSON. No policy lives here.
///
/// - `POST /v1/runs/{runID}/replay[?from_checkpoint=N]`: mirrors Strait's route. It waits up to `[replays] wait`
///   for the outcome, or less when the caller says `Prefer: respond-async` (a `202` at once) or `Prefer: wait=N`.
///   With `dry_run=true` (and optionally `as=PRINCIPAL`) it sends nothing and answers 200 with the explanation of
///   what the same request would do, parsed by the same code.
/// - `GET /v1/_ping`: unauthenticated liveness.
/// - `GET /v1/gateway/status`: version, uptime, upstream and its last-seen health.
/// - `GET /v1/health` and `GET /metrics`: readiness and metrics (``OperationsEndpoints``), unauthenticated.
public struct SocketRouter: Sendable {
    private let pipeline: ReplayPipeline
    private let info: GatewayInfo
    private let health: UpstreamHealth
    private let maxRPCBatch: Int
    private let runs: (any RunReader)?
    private let operations: OperationsEndpoints
    private let tokens: TokenRoutes?
    private let gatewayOperator: (any GatewayOperator)?
    private let auditTail: (any AuditTailSource)?

    /// Creates the router. `runs`, when given, serves `GET /v1/runs/{id}` (else that route answers 404); `tokens`,
    /// when given, serves `/v1/tokens` (else 404); `gatewayOperator`, when given, serves `POST /v1/reload`,
    /// `/v1/pause` and `/v1/resume` (else 404); `auditTail`, when given, serves `GET /v1/audit` to principals with
    /// `audit_read`.
    public init(
        pipeline: ReplayPipeline,
        info: GatewayInfo,
        health: UpstreamHealth,
        maxRPCBatch: Int = 1000,
        runs: (any RunReader)? = nil,
        operations: OperationsEndpoints = OperationsEndpoints(),
        tokens: TokenRoutes? = nil,
        gatewayOperator: (any GatewayOperator)? = nil,
        auditTail: (any AuditTailSource)? = nil
    ) {
        self.tokens = tokens
        self.gatewayOperator = gatewayOperator
        self.auditTail = auditTail
        self.pipeline = pipeline
        self.info = info
        self.health = health
        self.maxRPCBatch = maxRPCBatch
        self.runs = runs
        self.operations = operations
    }

    /// The authenticate stage for a connection's peer.
    public func authenticate(_ peer: PeerCredentials) -> Result<Principal, ReplayError> {
        Result { () throws(ReplayError) -> Principal in try pipeline.authenticate(peer) }
    }

    /// Records a refused unmapped peer in the audit log (aggregated per uid when they flood).
    public func auditUnknownPeer(_ peer: PeerCredentials, requestID: String, reason: ReplayError) async {
        await pipeline.auditor.denied(
            door: RequestOrigin.Door.socket.rawValue,
            source: "uid:\(peer.uid)",
            actor: ReplayAuditor.actor(peer),
            requestID: requestID,
            runID: nil,
            reason: "\(reason.code.rawValue): \(reason.message)"
        )
    }

    /// The replay limits as they stand for a peer (and its principal, when mapped), peeked without charging: the
    /// rate-limit fields of an answer that passed no limit.
    public func rateLimitStatus(_ peer: PeerCredentials, principal: Principal?) -> [RateLimitStatus] {
        pipeline.rateLimitStatus(principal: principal, door: .socket, source: "uid:\(peer.uid)")
    }

    /// Whether a route may be served to a peer that maps to no principal.
    public func isPublic(method: String, path: String) -> Bool {
        OperationsEndpoints.publicPaths.contains(path)
    }

    /// The answer to a request whose method and path match no route (404, or 405 with `Allow`), decided from the
    /// head alone so the body is never read; `nil` when a route matches.
    public func routeMiss(method: String, path: String, requestID: String) -> GatewayResponse? {
        guard case .failure(let miss) = SocketRoute.match(method: method, path: path) else { return nil }
        return answer(miss, method: method, path: path, requestID: requestID)
    }

    /// Answers one request. A request of a mapped principal other than a replay passes the reads limit first
    /// (429 `rate_limited` with `Retry-After` when refused); its answer carries `RateLimit-Policy` and `RateLimit`.
    /// A replay's answer carries the fields of the replay limits it passed (or was refused by).
    public func handle(_ request: GatewayRequest, logger: Logger) async -> GatewayResponse {
        let route: SocketRoute
        switch SocketRoute.match(method: request.method, path: request.path) {
        case .success(let matched): route = matched
        case .failure(let miss):
            return answer(miss, method: request.method, path: request.path, requestID: request.requestID)
        }
        var readLimit: RateLimitDecision?
        if let principal = request.principal, let door = Self.readDoor(route) {
            let decision = pipeline.limitRead(principal, door: door)
            if let seconds = decision.retryAfterSeconds {
                logger.notice("request rate limited", metadata: ["retry_after": "\(seconds)"])
                let limit = decision.statuses.last.map { " (\($0.name): \($0.limit))" } ?? ""
                var response = GatewayResponse.error(
                    ReplayError(
                        .rateLimited,
                        "too many requests\(limit); try again in \(seconds) s",
                        details: ["policy=\(decision.refusedBy ?? "-")", "retry_after=\(seconds)"]
                    ),
                    requestID: request.requestID
                )
                RateLimitFields.apply(decision, to: &response)
                return response
            }
            readLimit = decision
        }
        var response = await answer(route, request, logger: logger)
        RateLimitFields.apply(readLimit, to: &response)
        return response
    }

    /// The door a route's reads are limited under; `nil` for a replay (limited in the pipeline) and for the
    /// unauthenticated operations routes.
    private static func readDoor(_ route: SocketRoute) -> RequestOrigin.Door? {
        switch route {
        case .ping, .health, .metrics, .replay: return nil
        case .rpc: return .rpc
        case .status, .listReplays, .getReplay, .resolveReplay, .getRun, .auditTail: return .socket
        case .createToken, .listTokens, .revokeToken, .reload, .pause, .resume: return .socket
        }
    }

    private func answer(_ route: SocketRoute, _ request: GatewayRequest, logger: Logger) async -> GatewayResponse {
        switch route {
        case .ping:
            return .json(200, PingBody(status: "ok", version: info.version))
        case .status:
            if let refused = await readRefusal(request, logger: logger) { return refused }
            return .json(200, await status(for: request))
        case .health:
            return await operations.health()
        case .metrics:
            return operations.metricsResponse()
                ?? .error(ReplayError(.routeNotFound, "metrics are off"), requestID: request.requestID)
        case .replay(let encodedRunID):
            return await replay(request, encodedRunID: encodedRunID, logger: logger)
        case .rpc:
            return await rpc(request, logger: logger)
        case .listReplays:
            return await ReplayRecordRoutes(pipeline: pipeline).list(request, logger: logger)
        case .getReplay(let encodedKey):
            return await ReplayRecordRoutes(pipeline: pipeline).get(request, encodedKey: encodedKey, logger: logger)
        case .auditTail:
            guard let auditTail else {
                return answer(.notFound, method: request.method, path: request.path, requestID: request.requestID)
            }
            return await AuditTailRoute(pipeline: pipeline, source: auditTail).get(request, logger: logger)
        case .resolveReplay(let encodedKey):
            return await ReplayRecordRoutes(pipeline: pipeline).resolve(request, encodedKey: encodedKey, logger: logger)
        case .getRun(let encodedRunID):
            if let refused = await readRefusal(request, logger: logger) { return refused }
            guard let runs else {
                return answer(.notFound, method: request.method, path: request.path, requestID: request.requestID)
            }
            return await RunReadRoute(reader: runs).get(request, encodedRunID: encodedRunID, logger: logger)
        case .createToken, .listTokens, .revokeToken:
            guard let tokens else {
                return answer(.notFound, method: request.method, path: request.path, requestID: request.requestID)
            }
            switch route {
            case .createToken: return await tokens.create(request, pipeline: pipeline, logger: logger)
            case .revokeToken(let id):
                return await tokens.revoke(request, encodedID: id, pipeline: pipeline, logger: logger)
            default: return await tokens.list(request, pipeline: pipeline, logger: logger)
            }
        case .reload, .pause, .resume:
            guard let gatewayOperator else {
                return answer(.notFound, method: request.method, path: request.path, requestID: request.requestID)
            }
            return await OperatorRoutes(pipeline: pipeline, gatewayOperator: gatewayOperator)
                .handle(route, request, logger: logger)
        }
    }

    /// `nil` when the caller may `read` (status, runs); otherwise the audited 403.
    private func readRefusal(_ request: GatewayRequest, logger: Logger) async -> GatewayResponse? {
        guard let principal = request.principal else { return nil }
        do {
            try await pipeline.authorize(
                principal,
                action: .read,
                origin: RequestOrigin(door: .socket, requestID: request.requestID),
                logger: logger
            )
            return nil
        } catch {
            return .error(error, requestID: request.requestID)
        }
    }

    private func answer(_ miss: SocketRoute.Miss, method: String, path: String, requestID: String) -> GatewayResponse {
        switch miss {
        case .notFound:
            return .error(ReplayError(.routeNotFound, "no route for \(method) \(path)"), requestID: requestID)
        case .methodNotAllowed(let allowed):
            var response = GatewayResponse.error(
                ReplayError(.methodNotAllowed, "\(method) is not allowed on \(path); use \(allowed)"),
                requestID: requestID
            )
            response.headers.add(name: "Allow", value: allowed)
            return response
        }
    }

    private func replay(_ request: GatewayRequest, encodedRunID: Substring, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else {
            return .error(
                ReplayError(.unknownPeer, "uid \(request.peer.uid) is not mapped"),
                requestID: request.requestID
            )
        }
        let replayRequest: ReplayRequest
        do {
            replayRequest = try parseReplay(request, encodedRunID: encodedRunID)
        } catch {
            logger.notice("replay request refused", metadata: ["reason": "\(error.message)"])
            await pipeline.auditor.denied(
                door: RequestOrigin.Door.socket.rawValue,
                source: "uid:\(request.peer.uid)",
                actor: ReplayAuditor.actor(principal),
                requestID: request.requestID,
                runID: nil,
                reason: "\(error.code.rawValue): \(error.message)"
            )
            return .error(error, requestID: request.requestID)
        }
        var logger = logger
        logger[metadataKey: "run_id"] = "\(replayRequest.runID)"
        logger[metadataKey: "principal"] = "\(principal.name)"
        if let dryRun = dryRun(request) {
            return await explain(replayRequest, principal: principal, dryRun: dryRun, logger: logger)
        }
        let preference = ReplayWaitPreference(preferValues: request.headers["Prefer"])
        let limited = await pipeline.submit(
            replayRequest,
            principal: principal,
            logger: logger,
            wait: preference?.wait
        )
        var response = ReplayRenderer.render(limited.submission, requestID: request.requestID)
        RateLimitFields.apply(limited.rateLimit, to: &response)
        if let seconds = limited.retryAfterSeconds {
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
        }
        if let preference { response.headers.add(name: "Preference-Applied", value: preference.applied) }
        return response
    }

    /// `?dry_run=true[&as=NAME]`: the request is explained, not executed. `nil` without `dry_run`; a
    /// `dry_run` that is not a boolean was refused by ``parseReplay(_:encodedRunID:)``.
    private func dryRun(_ request: GatewayRequest) -> DryRun? {
        guard let value = request.queryValue("dry_run"), value == "true" || value == "1" || value == "" else {
            return nil
        }
        let other = request.queryValue("as")
        return DryRun(explainAs: other?.isEmpty == false ? other : nil)
    }

    /// A dry run's options.
    private struct DryRun {
        /// `as=NAME`: explain as this principal.
        var explainAs: String?
    }

    /// Answers a dry run: 200 with the explanation, or the error the explain stage raised (403 for a denied
    /// `as`). Nothing is claimed, audited or sent.
    private func explain(
        _ replayRequest: ReplayRequest,
        principal: Principal,
        dryRun: DryRun,
        logger: Logger
    ) async -> GatewayResponse {
        do {
            let explanation = try await pipeline.explain(
                replayRequest,
                principal: principal,
                as: dryRun.explainAs,
                logger: logger
            )
            let auditor = pipeline.auditor
            return .json(200, ReplayExplanationView(explanation) { auditor.hashValue($0) })
        } catch {
            return .error(error, requestID: replayRequest.origin.requestID)
        }
    }

    private func parseReplay(_ request: GatewayRequest, encodedRunID: Substring) throws(ReplayError) -> ReplayRequest {
        switch request.queryValue("dry_run") {
        case nil, "false", "0", "true", "1", "": break
        case let other?:
            throw ReplayError(.badRequest, "dry_run must be true or false, got \(other)", details: ["field=dry_run"])
        }
        if request.queryValue("as") != nil, dryRun(request) == nil {
            throw ReplayError(.badRequest, "as is only accepted with dry_run=true", details: ["field=as"])
        }
        var replay = try ReplayRouteParser.parse(
            encodedRunID: encodedRunID,
            queryValue: request.queryValue,
            headers: request.headers,
            origin: RequestOrigin(door: .socket, requestID: request.requestID)
        )
        // `replayctl bulk` says so, and then needs the `bulk` grant as well.
        replay.bulk = request.headers.first(name: "Replayd-Bulk") == "1"
        return replay
    }

    private func rpc(_ request: GatewayRequest, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else {
            return .error(
                ReplayError(.unknownPeer, "uid \(request.peer.uid) is not mapped"),
                requestID: request.requestID
            )
        }
        let statusBody = await status(for: request)
        let handlers = ReplaydRPCHandlers(
            pipeline: pipeline,
            principal: principal,
            status: {
                guard let data = try? StraitJSON.encoder.encode(statusBody),
                    let value = try? StraitJSON.decoder.decode(JSONValue.self, from: data)
                else { return .null }
                return value
            },
            logger: logger
        )
        let server = JSONRPCServer(methods: handlers.table(), maxBatchSize: maxRPCBatch, logger: logger)
        let context = JSONRPCContext(requestID: request.requestID, principal: principal.name)
        guard let body = await server.handle(request.body, context: context) else {
            return GatewayResponse(status: 204)
        }
        return GatewayResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
    }

    private func status(for request: GatewayRequest) async -> GatewayStatusBody {
        let pause = try? await gatewayOperator?.pauseStatus()
        let snapshot = health.snapshot
        let pipelineStatus = pipeline.status
        let uptime = info.startedAt.duration(to: .now)
        return GatewayStatusBody(
            version: info.version,
            startedAt: StraitTimestamp(secondsSinceEpoch: info.startedAtUnixSeconds, nanoseconds: 0).rawValue,
            uptimeSeconds: uptime.components.seconds,
            socket: info.socketPath,
            principal: request.principal?.name,
            peer: .init(uid: request.peer.uid, gid: request.peer.gid, pid: request.peer.pid),
            upstream: .init(
                baseURL: pipelineStatus.upstreamBaseURL,
                state: snapshot.state,
                lastStatus: snapshot.lastStatus,
                lastResponseAt: snapshot.lastResponseAt.map {
                    StraitTimestamp(secondsSinceEpoch: $0, nanoseconds: 0).rawValue
                },
                lastFailureAt: snapshot.lastFailureAt.map {
                    StraitTimestamp(secondsSinceEpoch: $0, nanoseconds: 0).rawValue
                },
                lastFailure: snapshot.lastFailure,
                breaker: pipelineStatus.breaker,
                rateLimit: pipelineStatus.rateLimit,
                rateLimitRemaining: pipelineStatus.rateLimitRemaining,
                activeReplays: pipelineStatus.activeReplays
            ),
            audit: auditStatus(),
            pause: pause,
            instance: info.fleet.map { GatewayStatusBody.Instance($0.fleetSnapshot) }
        )
    }

    private func auditStatus() -> GatewayStatusBody.Audit {
        let audit = pipeline.auditor.status
        return GatewayStatusBody.Audit(
            state: audit.writable ? "ok" : "degraded",
            reason: audit.degradedReason,
            headSeq: audit.head.seq,
            segment: audit.segment,
            checkpointSize: audit.checkpointSize
        )
    }

}

/// `GET /v1/_ping`.
struct PingBody: Encodable {
    var status: String
    var version: String
}

/// `GET /v1/gateway/status`.
struct GatewayStatusBody: Encodable, Sendable {
    struct Upstream: Encodable, Sendable {
        var baseURL: String
        var state: String
        var lastStatus: Int?
        var lastResponseAt: String?
        var lastFailureAt: String?
        var lastFailure: String?
        var breaker: String?
        var rateLimit: Int?
        var rateLimitRemaining: Int?
        var activeReplays: Int

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url"
            case state
            case lastStatus = "last_status"
            case lastResponseAt = "last_response_at"
            case lastFailureAt = "last_failure_at"
            case lastFailure = "last_failure"
            case breaker
            case rateLimit = "rate_limit"
            case rateLimitRemaining = "rate_limit_remaining"
            case activeReplays = "active_replays"
        }
    }

    var version: String
    var startedAt: String
    var uptimeSeconds: Int64
    var socket: String
    var principal: String?
    var peer: Peer
    var upstream: Upstream
    var audit: Audit
    /// `replayctl pause`: the pauses in force and the replays held; absent without operator routes.
    var pause: PauseStatus?
    /// This instance's id and the live instances (``Instance``); absent when the daemon gives no fleet view.
    var instance: Instance?

    /// The audit log's health: when `state` is `degraded`, replays are refused with 503 (reads still work).
    struct Audit: Encodable, Sendable {
        var state: String
        var reason: String?
        var headSeq: Int64
        var segment: String?
        var checkpointSize: Int64?

        enum CodingKeys: String, CodingKey {
            case state, reason, segment
            case headSeq = "head_seq"
            case checkpointSize = "checkpoint_size"
        }
    }

    struct Peer: Encodable, Sendable {
        var uid: UInt32
        var gid: UInt32
        var pid: Int32
    }

    enum CodingKeys: String, CodingKey {
        case version
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case socket, principal, peer, upstream, audit, pause, instance
    }
}

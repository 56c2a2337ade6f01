import HTTPServer
import Logging
import NIOCore
import NIOHTTP1
import ReplayCore

/// The team door on the HTTP core: Strait's replay route for teammates on other machines, authenticated by a
/// gateway-issued bearer token (`Authorization: Bearer rpd_…`), so Strait's own clients work with
/// `STRAIT_SERVER=http://gateway:port STRAIT_API_KEY=<token>`.
///
/// At the head, before the body is read: the route (404, or 405 with `Allow`), the client address through
/// `TrustedProxies`, the failed-token block (429 with `Retry-After`), then the token (401 with
/// `WWW-Authenticate: Bearer`, audited with its reason and the token id when there is one, and counted against the
/// client). The responder only translates the route into a ``ReplayRequest`` and the outcome back; who may replay
/// what is the pipeline's policy.
struct TeamDoor: HTTPDoor {
    /// The throttle's source name for this door.
    static let throttleSource = "team"

    var pipeline: ReplayPipeline
    var authenticator: TeamTokenAuthenticator
    var trustedProxies: TrustedProxies
    var throttle: VerificationFailureThrottle
    var version: String

    func identify(_ channel: any Channel) async throws -> HTTPPeer<String> {
        let address = channel.remoteAddress?.ipAddress.map { IPAddress($0)?.description ?? $0 } ?? "unknown"
        return HTTPPeer(
            identity: address,
            clientKey: IPAddress(address).map(trustedProxies.isTrusted) == true ? nil : address
        )
    }

    func checkHead(
        _ head: HTTPRequestHead,
        from peer: String,
        context: HTTPRequestContext
    ) async -> HTTPHeadDecision<TeamAdmission> {
        let client = trustedProxies.clientAddress(peer: peer, forwardedFor: head.headers["X-Forwarded-For"])
        var logger = context.logger
        logger[metadataKey: "client"] = "\(client)"
        let (path, _) = SocketDoor.splitURI(head.uri)
        if path == "/v1/_ping" {
            guard head.method == .GET || head.method == .HEAD else {
                return .answer(Self.methodNotAllowed(head, path: path, allow: "GET", context: context))
            }
            return .admit(TeamAdmission(route: .ping, client: client, logger: logger))
        }
        guard let encodedRunID = Self.replayRunID(inPath: path) else {
            return .answer(
                .error(
                    ReplayError(.routeNotFound, "no route for \(head.method.rawValue) \(path.prefix(200))"),
                    requestID: context.requestID
                )
            )
        }
        guard head.method == .POST else {
            return .answer(Self.methodNotAllowed(head, path: path, allow: "POST", context: context))
        }
        if let seconds = throttle.check(source: Self.throttleSource, client: client).retryAfterSeconds {
            logger.info("refused: client blocked after failed token attempts", metadata: ["retry_after": "\(seconds)"])
            var response = GatewayResponse.error(
                ReplayError(
                    .rateLimited,
                    "too many failed authentication attempts; retry after \(seconds)s"
                ),
                requestID: context.requestID
            )
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
            return .answer(response)
        }
        switch await authenticator.authenticate(authorization: head.headers.first(name: "Authorization")) {
        case .success(let principal):
            logger[metadataKey: "principal"] = "\(principal.name)"
            if case .token(let id) = principal.authentication { logger[metadataKey: "token_id"] = "\(id)" }
            return .admit(
                TeamAdmission(
                    route: .replay(encodedRunID: encodedRunID, principal: principal),
                    client: client,
                    logger: logger
                )
            )
        case .failure(let denial):
            return .answer(
                await refuse(denial, client: client, runPath: encodedRunID, logger: logger, context: context)
            )
        }
    }

    func respond(
        to request: HTTPServerRequest,
        admission: TeamAdmission,
        from peer: String,
        context: HTTPRequestContext
    ) async -> HTTPServerResponse {
        switch admission.route {
        case .ping:
            return .json(200, ["status": "ok", "version": version])
        case .replay(let encodedRunID, let principal):
            return await replay(
                request,
                encodedRunID: encodedRunID,
                principal: principal,
                admission: admission,
                context: context
            )
        }
    }

    func render(_ refusal: HTTPRefusal, context: HTTPRequestContext) -> HTTPServerResponse {
        ErrorEnvelope.response(refusal, requestID: context.requestID)
    }

    private func replay(
        _ request: HTTPServerRequest,
        encodedRunID: Substring,
        principal: Principal,
        admission: TeamAdmission,
        context: HTTPRequestContext
    ) async -> HTTPServerResponse {
        let (_, query) = SocketDoor.splitURI(request.head.uri)
        var logger = admission.logger
        let origin = RequestOrigin(door: .team, requestID: context.requestID)
        let replayRequest: ReplayRequest
        do {
            replayRequest = try ReplayRouteParser.parse(
                encodedRunID: encodedRunID,
                queryValue: { name in query.first { $0.name == name }?.value },
                headers: request.head.headers,
                origin: origin
            )
        } catch {
            logger.notice("replay request refused", metadata: ["reason": "\(error.message)"])
            await pipeline.auditor.denied(
                door: RequestOrigin.Door.team.rawValue,
                source: admission.client,
                actor: ReplayAuditor.actor(principal),
                requestID: context.requestID,
                runID: nil,
                reason: "\(error.code.rawValue): \(error.message)"
            )
            return .error(error, requestID: context.requestID)
        }
        logger[metadataKey: "run_id"] = "\(replayRequest.runID)"
        let preference = ReplayWaitPreference(preferValues: request.head.headers["Prefer"])
        let limited = await pipeline.submit(
            replayRequest,
            principal: principal,
            logger: logger,
            wait: preference?.wait
        )
        var response = ReplayRenderer.render(limited.submission, requestID: context.requestID)
        RateLimitFields.apply(limited.rateLimit, to: &response)
        if let seconds = limited.retryAfterSeconds {
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
        }
        if let preference { response.headers.add(name: "Preference-Applied", value: preference.applied) }
        logger.info("team replay answered", metadata: ["status": "\(response.status)"])
        return response
    }

    /// Answers a refused token: audited (with the token id, never the token), counted against the client unless
    /// the store failed, 401 with `WWW-Authenticate: Bearer` (503 for a store outage).
    private func refuse(
        _ denial: TeamTokenDenial,
        client: String,
        runPath: Substring,
        logger: Logger,
        context: HTTPRequestContext
    ) async -> HTTPServerResponse {
        logger.notice(
            "refused: bearer token",
            metadata: ["reason": "\(denial.reason.rawValue)", "token_id": "\(denial.tokenID ?? "-")"]
        )
        if denial.countsAsFailure, let block = throttle.recordFailure(source: Self.throttleSource, client: client) {
            logger.notice(
                "blocking client after repeated failed token attempts",
                metadata: ["block_seconds": "\(block.components.seconds)"]
            )
        }
        await pipeline.auditor.denied(
            door: RequestOrigin.Door.team.rawValue,
            source: client,
            actor: ReplayAuditor.tokenActor(id: denial.tokenID, principal: denial.principal),
            requestID: context.requestID,
            runID: PercentEncodingShim.decode(runPath),
            reason: denial.description
        )
        guard denial.countsAsFailure else {
            var response = GatewayResponse.error(
                ReplayError(.unavailable, denial.message),
                requestID: context.requestID
            )
            response.headers.replaceOrAdd(name: "Retry-After", value: "1")
            return response
        }
        var response = GatewayResponse.error(
            ReplayError(.unauthenticated, denial.message),
            requestID: context.requestID
        )
        response.headers.add(
            name: "WWW-Authenticate",
            value: denial.reason == .missing
                ? "Bearer realm=\"replayd\"" : "Bearer realm=\"replayd\", error=\"invalid_token\""
        )
        return response
    }

    private static func methodNotAllowed(
        _ head: HTTPRequestHead,
        path: String,
        allow: String,
        context: HTTPRequestContext
    ) -> HTTPServerResponse {
        var response = GatewayResponse.error(
            ReplayError(
                .methodNotAllowed,
                "\(head.method.rawValue) is not allowed on \(path.prefix(200)); use \(allow)"
            ),
            requestID: context.requestID
        )
        response.headers.add(name: "Allow", value: allow)
        return response
    }

    /// The run id segment of `/v1/runs/{runID}/replay`, as written, or `nil` for any other path.
    static func replayRunID(inPath path: String) -> Substring? {
        let prefix = "/v1/runs/"
        let suffix = "/replay"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.count > prefix.count + suffix.count else {
            return nil
        }
        let id = path.dropFirst(prefix.count).dropLast(suffix.count)
        return id.contains("/") ? nil : id
    }
}

import HTTPServer
import Logging
import NIOCore
import NIOHTTP1
import ReplayCore

/// The webhook listener's door on the HTTP core. At the head, before the body is read: the method (404 for GET
/// and HEAD, 405 otherwise), the route and source (404), the client address through `TrustedProxies`, the
/// verification-failure block (429) and the per-source pre-auth token bucket (429). An admitted request goes to
/// the ``WebhookRequestHandler``; its verdict feeds the throttle.
struct WebhookListenerDoor: HTTPDoor {
    var sources: Set<String>
    var handler: any WebhookRequestHandler
    var trustedProxies: TrustedProxies
    var limiter: PreAuthLimiter
    var throttle: VerificationFailureThrottle
    var clock: any ReplayClock

    func identify(_ channel: any Channel) async throws -> HTTPPeer<String> {
        let address = channel.remoteAddress?.ipAddress.map { IPAddress($0)?.description ?? $0 } ?? "unknown"
        // A trusted proxy carries many clients on its connections: it is held to the listener's total cap only.
        return HTTPPeer(
            identity: address,
            clientKey: IPAddress(address).map(trustedProxies.isTrusted) == true ? nil : address
        )
    }

    func checkHead(
        _ head: HTTPRequestHead,
        from peer: String,
        context: HTTPRequestContext
    ) async
        -> HTTPHeadDecision<WebhookAdmission>
    {
        var logger = context.logger
        logger[metadataKey: "peer"] = "\(peer)"
        guard head.method == .POST else {
            let rejection =
                head.method == .GET || head.method == .HEAD
                ? WebhookRejection(.notFound, "no such route; webhooks are POST /hooks/{source}")
                : WebhookRejection(.methodNotAllowed, "webhooks are POST /hooks/{source}")
            logger.debug("refused: method", metadata: ["method": "\(head.method.rawValue)"])
            return .answer(rejection.response(requestID: context.requestID))
        }
        guard let source = Self.source(inURI: head.uri), handler.servesSource(source) ?? sources.contains(source) else {
            logger.debug("refused: no such source")
            return .answer(
                WebhookRejection(.notFound, "no such webhook source; webhooks are POST /hooks/{source}")
                    .response(requestID: context.requestID)
            )
        }
        let client = trustedProxies.clientAddress(peer: peer, forwardedFor: head.headers["X-Forwarded-For"])
        logger[metadataKey: "source"] = "\(source)"
        logger[metadataKey: "client"] = "\(client)"
        if let seconds = throttle.check(source: source, client: client).retryAfterSeconds {
            logger.info("refused: client blocked after failed verifications", metadata: ["retry_after": "\(seconds)"])
            var response = WebhookRejection(
                .throttled,
                "too many requests from this client failed verification; retry later",
                retryAfterSeconds: seconds
            ).response(requestID: context.requestID)
            RateLimitFields.apply([limiter.status(source: source)], to: &response.headers)
            return .answer(response)
        }
        let (decision, bucket) = limiter.acquireWithStatus(source: source)
        if let seconds = decision.retryAfterSeconds {
            logger.info("refused: source rate limit", metadata: ["retry_after": "\(seconds)"])
            var response = WebhookRejection(
                .rateLimited,
                "too many requests for this source; retry later",
                retryAfterSeconds: seconds
            ).response(requestID: context.requestID)
            RateLimitFields.apply([bucket], to: &response.headers)
            return .answer(response)
        }
        return .admit(
            WebhookAdmission(
                source: source,
                client: client,
                receivedAt: clock.monotonicNow(),
                logger: logger,
                rateLimit: bucket
            )
        )
    }

    func respond(
        to request: HTTPServerRequest,
        admission: WebhookAdmission,
        from peer: String,
        context: HTTPRequestContext
    ) async -> HTTPServerResponse {
        let webhookRequest = WebhookHTTPRequest(
            source: admission.source,
            headers: request.head.headers,
            body: request.body,
            clientAddress: admission.client,
            peerAddress: peer,
            requestID: context.requestID,
            receivedAt: admission.receivedAt,
            logger: admission.logger
        )
        let response = await handler.handle(webhookRequest)
        if response.verificationFailed {
            if let block = throttle.recordFailure(source: admission.source, client: admission.client) {
                admission.logger.notice(
                    "blocking client after repeated verification failures",
                    metadata: ["block_seconds": "\(block.components.seconds)"]
                )
            }
        } else if (200..<300).contains(response.status) {
            throttle.recordSuccess(source: admission.source, client: admission.client)
        }
        let elapsed = clock.monotonicNow() - admission.receivedAt
        admission.logger.info(
            "webhook answered",
            metadata: [
                "status": "\(response.status)", "body_bytes": "\(request.body.count)",
                "verification_failed": "\(response.verificationFailed)",
                "duration_ms": "\(Int(elapsed / .milliseconds(1)))",
            ]
        )
        var answer = HTTPServerResponse(status: response.status, headers: response.headers, body: response.body)
        if let bucket = admission.rateLimit { RateLimitFields.apply([bucket], to: &answer.headers) }
        return answer
    }

    func render(_ refusal: HTTPRefusal, context: HTTPRequestContext) -> HTTPServerResponse {
        ErrorEnvelope.response(refusal, requestID: context.requestID)
    }

    /// The source named by `/hooks/{source}` (a query string is ignored), or `nil` for any other path.
    static func source(inURI uri: String) -> String? {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let prefix = "/hooks/"
        guard path.hasPrefix(prefix) else { return nil }
        let name = path.dropFirst(prefix.count)
        guard !name.isEmpty, !name.contains("/") else { return nil }
        return String(name)
    }
}

import HTTPServer
import Logging
import NIOCore
import NIOHTTP1
import ReplayCore

/// The admin listener's door: `GET /v1/_ping`, `GET /v1/health` and `GET /metrics` (``OperationsEndpoints``),
/// nothing else (404, or 405 for another method). No request body is accepted and no replay is reachable.
/// Every answer, the core's refusals included, carries the `global` replay limit as it stands (`rateLimits`).
struct AdminDoor: HTTPDoor {
    var operations: OperationsEndpoints
    var version: String
    /// The replay limits that apply to everyone (`global`), peeked without charging; empty when limits are off.
    var rateLimits: @Sendable () -> [RateLimitStatus]

    func identify(_ channel: any Channel) async throws -> HTTPPeer<String> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        return HTTPPeer(identity: address, clientKey: address)
    }

    func checkHead(
        _ head: HTTPRequestHead,
        from peer: String,
        context: HTTPRequestContext
    ) async -> HTTPHeadDecision<String> {
        let path = String(head.uri.prefix { $0 != "?" })
        guard OperationsEndpoints.publicPaths.contains(path) else {
            return .answer(
                Self.error(404, "not_found", "the admin listener serves /v1/_ping, /v1/health and /metrics", context)
            )
        }
        guard head.method == .GET else {
            var response = Self.error(
                405,
                "method_not_allowed",
                "\(head.method.rawValue) is not allowed on \(path)",
                context
            )
            response.headers.add(name: "Allow", value: "GET")
            return .answer(response)
        }
        return .admit(path)
    }

    func respond(
        to request: HTTPServerRequest,
        admission path: String,
        from peer: String,
        context: HTTPRequestContext
    ) async -> HTTPServerResponse {
        switch path {
        case "/v1/health":
            return await operations.health()
        case "/metrics":
            return operations.metricsResponse() ?? Self.error(404, "not_found", "metrics are off", context)
        default:
            return .json(200, ["status": "ok", "version": version])
        }
    }

    func decorate(
        _ response: inout HTTPServerResponse,
        head: HTTPRequestHead?,
        from peer: String,
        context: HTTPRequestContext
    ) {
        guard !response.headers.contains(name: "RateLimit") else { return }
        RateLimitFields.apply(rateLimits(), to: &response.headers)
    }

    func render(_ refusal: HTTPRefusal, context: HTTPRequestContext) -> HTTPServerResponse {
        ErrorEnvelope.response(refusal, requestID: context.requestID)
    }

    private static func error(
        _ status: Int,
        _ code: String,
        _ message: String,
        _ context: HTTPRequestContext
    )
        -> HTTPServerResponse
    {
        ErrorEnvelope.response(status: status, code: code, message: message, details: [], requestID: context.requestID)
    }
}

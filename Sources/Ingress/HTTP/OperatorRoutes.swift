import Foundation
import Logging
import ReplayCore

/// `POST /v1/reload`, `POST /v1/pause` and `POST /v1/resume`: each is authorized through the pipeline
/// (`PolicyAction.reload`, `.pause`; a denial is audited and answered 403), then handed to the daemon's
/// ``GatewayOperator``.
///
/// Bodies (JSON, optional): pause takes `{"source": "S", "reason": "…"}` or `{"all": true, "reason": "…"}` (no
/// source means every replay); resume takes `{"source": "S"}` (that pause only) or nothing (every pause).
struct OperatorRoutes {
    let pipeline: ReplayPipeline
    let gatewayOperator: any GatewayOperator

    /// The body of `POST /v1/pause` and `POST /v1/resume`.
    struct ScopeBody: Decodable {
        var all: Bool?
        var source: String?
        var reason: String?
    }

    func handle(_ route: SocketRoute, _ request: GatewayRequest, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else {
            return .error(
                ReplayError(.unknownPeer, "uid \(request.peer.uid) is not mapped"),
                requestID: request.requestID
            )
        }
        let action: PolicyAction = route == .reload ? .reload : .pause
        do {
            try await pipeline.authorize(
                principal,
                action: action,
                origin: RequestOrigin(door: .socket, requestID: request.requestID),
                logger: logger
            )
        } catch {
            return .error(error, requestID: request.requestID)
        }
        if route == .reload {
            let report = await gatewayOperator.reload(by: principal.name)
            return .json(report.result == .rejected ? 422 : 200, report)
        }
        let body: ScopeBody
        do {
            body = try parse(request.body)
        } catch {
            return .error(error, requestID: request.requestID)
        }
        do {
            if route == .pause {
                let scope: PauseScope = body.source.map { .source($0) } ?? .all
                return .json(
                    200,
                    try await gatewayOperator.pause(scope, reason: body.reason, by: principal.name)
                )
            }
            let scope: PauseScope? = body.source.map { .source($0) } ?? (body.all == true ? .all : nil)
            return .json(200, try await gatewayOperator.resume(scope, by: principal.name))
        } catch {
            logger.error("state store failed during pause or resume", metadata: ["error": "\(error)"])
            return .error(
                ReplayError(.unavailable, "replayd's state store is unavailable: \(error.message); nothing changed"),
                requestID: request.requestID
            )
        }
    }

    private func parse(_ bytes: [UInt8]) throws(ReplayError) -> ScopeBody {
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            return ScopeBody()
        }
        let body: ScopeBody
        do {
            body = try JSONDecoder().decode(ScopeBody.self, from: Data(bytes))
        } catch {
            throw ReplayError(.badRequest, "the body must be a JSON object like {\"source\": \"S\", \"reason\": \"…\"}")
        }
        if let source = body.source, source.isEmpty || source.utf8.count > 64 || source == "*" {
            throw ReplayError(.badRequest, "source must be a [[sources]] name or socket", details: ["field=source"])
        }
        if body.all == true, body.source != nil {
            throw ReplayError(.badRequest, "give either all or source, not both")
        }
        if let reason = body.reason, reason.utf8.count > 500 {
            throw ReplayError(.badRequest, "reason must be at most 500 bytes", details: ["field=reason"])
        }
        return body
    }
}

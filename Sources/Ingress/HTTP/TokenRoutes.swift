import Foundation
import Logging
import ReplayCore
import Strait

/// `POST /v1/tokens`, `GET /v1/tokens` and `DELETE /v1/tokens/{id}` on the socket: team token admin for
/// `replayctl token`. Every route needs the `token_admin` action, which the pipeline's policy decides (and audits
/// when it denies); these routes only translate. A created token is in the answer once and nowhere else.
public struct TokenRoutes: Sendable {
    private let admin: TeamTokenAdmin
    private let relay: TeamTokenAuditRelay
    private let clock: any ReplayClock

    /// Creates the routes over `admin`; `relay` records each change in the audit log before the answer.
    public init(admin: TeamTokenAdmin, relay: TeamTokenAuditRelay, clock: any ReplayClock) {
        self.admin = admin
        self.relay = relay
        self.clock = clock
    }

    /// The body of `POST /v1/tokens`.
    struct CreateBody: Decodable {
        var principal: String
        var expires: String?
        var note: String?
    }

    /// The body of `GET /v1/tokens`.
    struct ListBody: Encodable {
        var data: [TeamTokenView]
    }

    func create(_ request: GatewayRequest, pipeline: ReplayPipeline, logger: Logger) async -> GatewayResponse {
        let principal: Principal
        switch await authorized(request, pipeline: pipeline, logger: logger) {
        case .success(let found): principal = found
        case .failure(let refusal): return refusal.response
        }
        guard let body = try? JSONDecoder().decode(CreateBody.self, from: Data(request.body)) else {
            return .error(
                ReplayError(
                    .badRequest,
                    #"the body must be JSON {"principal": "...", "expires": "30d", "note": "..."}"#
                ),
                requestID: request.requestID
            )
        }
        let lifetime: Duration?
        switch TeamTokenAdmin.parseLifetime(body.expires ?? "90d") {
        case .success(let parsed): lifetime = parsed
        case .failure(let error): return Self.response(error, requestID: request.requestID)
        }
        do {
            let created = try await admin.create(
                principal: body.principal,
                lifetime: lifetime,
                note: body.note,
                by: principal.name
            )
            await relay.drain()
            logger.notice(
                "team token created",
                metadata: ["token_id": "\(created.record.id)", "for": "\(created.record.principal)"]
            )
            return .json(201, TeamTokenView(created.record, now: created.record.createdAt, token: created.token))
        } catch {
            return Self.response(error, requestID: request.requestID)
        }
    }

    func list(_ request: GatewayRequest, pipeline: ReplayPipeline, logger: Logger) async -> GatewayResponse {
        if case .failure(let refusal) = await authorized(request, pipeline: pipeline, logger: logger) {
            return refusal.response
        }
        do {
            let now = clock.wallNowMilliseconds()
            return .json(200, ListBody(data: try await admin.list().map { TeamTokenView($0, now: now) }))
        } catch {
            return Self.response(error, requestID: request.requestID)
        }
    }

    func revoke(
        _ request: GatewayRequest,
        encodedID: Substring,
        pipeline: ReplayPipeline,
        logger: Logger
    ) async -> GatewayResponse {
        let principal: Principal
        switch await authorized(request, pipeline: pipeline, logger: logger) {
        case .success(let found): principal = found
        case .failure(let refusal): return refusal.response
        }
        do {
            let record = try await admin.revoke(id: PercentEncodingShim.decode(encodedID), by: principal.name)
            await relay.drain()
            logger.notice("team token revoked", metadata: ["token_id": "\(record.id)"])
            return .json(200, TeamTokenView(record, now: clock.wallNowMilliseconds()))
        } catch {
            return Self.response(error, requestID: request.requestID)
        }
    }

    private func authorized(
        _ request: GatewayRequest,
        pipeline: ReplayPipeline,
        logger: Logger
    ) async -> Result<Principal, AuthorizationRefusal> {
        guard let principal = request.principal else {
            return .failure(
                AuthorizationRefusal(
                    response: .error(
                        ReplayError(.unknownPeer, "uid \(request.peer.uid) is not mapped"),
                        requestID: request.requestID
                    )
                )
            )
        }
        do {
            try await pipeline.authorize(
                principal,
                action: .tokenAdmin,
                origin: RequestOrigin(door: .socket, requestID: request.requestID),
                logger: logger
            )
        } catch {
            return .failure(AuthorizationRefusal(response: .error(error, requestID: request.requestID)))
        }
        return .success(principal)
    }

    /// A refusal as an error, so it can travel in a `Result`.
    struct AuthorizationRefusal: Error {
        var response: GatewayResponse
    }

    private static func response(_ error: TeamTokenAdminError, requestID: String) -> GatewayResponse {
        let code: ReplayError.Code =
            switch error.code {
            case .invalid: .badRequest
            case .notFound: .recordNotFound
            case .unavailable: .unavailable
            }
        return .error(ReplayError(code, error.message), requestID: requestID)
    }
}

import Audit
import Foundation
import Logging
import ReplayCore
import Strait

/// `GET /v1/replays/{key}`, `GET /v1/replays?pending=true`, `GET /v1/replays?since=1d` (history),
/// `POST /v1/replays/{key}/resolve`. Reading needs the `read` grant (`read_all` to see everyone's records) and
/// resolving `resolve`; which records the caller may see and resolve is the pipeline's decision (its
/// `RecordVisibility`); these routes only translate.
struct ReplayRecordRoutes {
    let pipeline: ReplayPipeline
    /// The time now, Unix nanoseconds (for `since=1d`).
    var nowNanoseconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000_000) }

    /// `nil` when `principal` may take `action`; otherwise the audited 403.
    private func refusal(
        _ principal: Principal,
        _ action: PolicyAction,
        _ request: GatewayRequest,
        logger: Logger
    ) async -> GatewayResponse? {
        do {
            try await pipeline.authorize(
                principal,
                action: action,
                origin: RequestOrigin(door: .socket, requestID: request.requestID),
                logger: logger
            )
            return nil
        } catch {
            return .error(error, requestID: request.requestID)
        }
    }

    func get(_ request: GatewayRequest, encodedKey: Substring, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else { return unmapped(request) }
        if let refused = await refusal(principal, .read, request, logger: logger) { return refused }
        guard let key = PercentEncoding.decode(encodedKey), IdempotencyKey.isValid(key) else {
            return .error(ReplayError(.badRequest, "invalid idempotency key in the path"), requestID: request.requestID)
        }
        do {
            guard let record = try await pipeline.record(key: key, for: principal) else {
                return .error(ReplayError(.recordNotFound, "no replay with key \(key)"), requestID: request.requestID)
            }
            return .json(200, ReplayRecordView(record))
        } catch {
            return .error(
                ReplayError(.unavailable, "state store unavailable: \(error.message)"),
                requestID: request.requestID
            )
        }
    }

    func list(_ request: GatewayRequest, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else { return unmapped(request) }
        if let since = request.queryValue("since") {
            return await history(request, principal: principal, since: since, logger: logger)
        }
        guard request.queryValue("pending") == "true" else {
            return .error(
                ReplayError(
                    .badRequest,
                    "listing needs ?pending=true (unfinished replays) or ?since=TIME (history, such as since=1d)"
                ),
                requestID: request.requestID
            )
        }
        if let refused = await refusal(principal, .read, request, logger: logger) { return refused }
        do {
            let records = try await pipeline.unfinishedRecords(for: principal)
            return .json(200, RecordList(data: records.map(ReplayRecordView.init)))
        } catch {
            return .error(
                ReplayError(.unavailable, "state store unavailable: \(error.message)"),
                requestID: request.requestID
            )
        }
    }

    /// `GET /v1/replays?since=TIME[&limit=N]`: the caller's replays (everyone's with `read_all`) created since
    /// `TIME` (RFC 3339, or a duration ago such as `1d`), finished and pending, newest first.
    private func history(
        _ request: GatewayRequest,
        principal: Principal,
        since text: String,
        logger: Logger
    ) async -> GatewayResponse {
        guard let since = AuditSince.parse(text, now: nowNanoseconds()) else {
            return .error(
                ReplayError(
                    .badRequest,
                    "since must be an RFC 3339 time (2026-11-29T13:00:00Z) or a duration ago (10m, 2h, 1d), got \(text)",
                    details: ["field=since"]
                ),
                requestID: request.requestID
            )
        }
        var limit = 1000
        if let text = request.queryValue("limit") {
            guard let value = Int(text), (1...10_000).contains(value) else {
                return .error(
                    ReplayError(.badRequest, "limit must be 1 to 10000, got \(text)", details: ["field=limit"]),
                    requestID: request.requestID
                )
            }
            limit = value
        }
        if let refused = await refusal(principal, .read, request, logger: logger) { return refused }
        do {
            let records = try await pipeline.history(for: principal, since: since / 1_000_000, limit: limit)
            return .json(200, RecordList(data: records.map(ReplayRecordView.init)))
        } catch {
            return .error(
                ReplayError(.unavailable, "state store unavailable: \(error.message)"),
                requestID: request.requestID
            )
        }
    }

    func resolve(_ request: GatewayRequest, encodedKey: Substring, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else { return unmapped(request) }
        if let refused = await refusal(principal, .resolve, request, logger: logger) { return refused }
        guard let key = PercentEncoding.decode(encodedKey), IdempotencyKey.isValid(key) else {
            return .error(ReplayError(.badRequest, "invalid idempotency key in the path"), requestID: request.requestID)
        }
        let action: ResolveAction
        do {
            action = try Self.parseAction(request.body)
        } catch {
            return .error(error, requestID: request.requestID)
        }
        do {
            let record = try await pipeline.resolve(key: key, action: action, by: principal)
            return .json(200, ReplayRecordView(record))
        } catch {
            return .error(error, requestID: request.requestID)
        }
    }

    static func parseAction(_ body: [UInt8]) throws(ReplayError) -> ResolveAction {
        guard !body.isEmpty else { return .reconcile }
        guard case .object(let object)? = try? StraitJSON.decoder.decode(JSONValue.self, from: Data(body)) else {
            throw ReplayError(.badRequest, "the body must be a JSON object such as {\"action\":\"reconcile\"}")
        }
        switch object["action"]?.stringValue {
        case "reconcile"?, nil:
            return .reconcile
        case "mark_succeeded"?:
            guard let runID = object["run_id"]?.stringValue, !runID.isEmpty else {
                throw ReplayError(.badRequest, "mark_succeeded needs run_id", details: ["field=run_id"])
            }
            return .markSucceeded(runID: runID)
        case "mark_failed"?:
            guard let reason = object["reason"]?.stringValue, !reason.isEmpty else {
                throw ReplayError(.badRequest, "mark_failed needs a reason", details: ["field=reason"])
            }
            return .markFailed(reason: reason)
        case let other?:
            throw ReplayError(
                .badRequest,
                "action must be reconcile, mark_succeeded or mark_failed, got \(other)",
                details: ["field=action"]
            )
        }
    }

    private func unmapped(_ request: GatewayRequest) -> GatewayResponse {
        .error(ReplayError(.unknownPeer, "uid \(request.peer.uid) is not mapped"), requestID: request.requestID)
    }
}

/// `{"data":[...]}`.
struct RecordList: Encodable {
    var data: [ReplayRecordView]
}

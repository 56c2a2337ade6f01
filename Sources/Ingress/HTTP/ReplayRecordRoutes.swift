import Foundation
import Logging
import ReplayCore
import Strait

/// `GET /v1/replays/{key}`, `GET /v1/replays?pending=true`, `POST /v1/replays/{key}/resolve`. Which records the
/// caller may see and resolve is the pipeline's decision (its `RecordVisibility`); these routes only translate.
struct ReplayRecordRoutes {
    let pipeline: ReplayPipeline

    func get(_ request: GatewayRequest, encodedKey: Substring) async -> GatewayResponse {
        guard let principal = request.principal else { return unmapped(request) }
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

    func list(_ request: GatewayRequest) async -> GatewayResponse {
        guard let principal = request.principal else { return unmapped(request) }
        guard request.queryValue("pending") == "true" else {
            return .error(
                ReplayError(.badRequest, "listing needs ?pending=true (only unfinished replays can be listed)"),
                requestID: request.requestID
            )
        }
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

    func resolve(_ request: GatewayRequest, encodedKey: Substring, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else { return unmapped(request) }
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
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
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

import Foundation
import Logging
import ReplayCore
import Strait

/// The daemon's JSON-RPC methods, bound to one authenticated caller: each handler goes through the same
/// pipeline and engine as the REST routes.
struct ReplaydRPCHandlers {
    let pipeline: ReplayPipeline
    let principal: Principal
    let status: @Sendable () -> JSONValue
    let logger: Logger

    /// The method table for this caller.
    func table() -> JSONRPCMethodTable {
        var table = JSONRPCMethodTable()
        let pipeline = self.pipeline
        let principal = self.principal
        let logger = self.logger
        let status = self.status
        table.register(ReplaydRPCMethod.runsReplay.rawValue) { params, context throws(JSONRPCError) in
            let parsed: RunsReplayParams
            do throws(JSONRPCError) {
                parsed = try RunsReplayParams(params)
            } catch {
                await pipeline.auditor.denied(
                    door: RequestOrigin.Door.rpc.rawValue,
                    source: principal.name,
                    actor: ReplayAuditor.actor(principal),
                    requestID: context.requestID,
                    runID: nil,
                    reason: "invalid_params: \(error.message)"
                )
                throw error
            }
            var request = ReplayRequest(
                runID: parsed.runID,
                fromCheckpoint: parsed.fromCheckpoint,
                idempotencyKey: parsed.idempotencyKey,
                force: parsed.force,
                origin: RequestOrigin(door: .rpc, requestID: context.requestID)
            )
            request.bulk = context.inBatch
            var callLogger = logger
            callLogger[metadataKey: "run_id"] = "\(parsed.runID)"
            let submission = await pipeline.execute(request, principal: principal, logger: callLogger)
            return try Self.result(of: submission, requestID: context.requestID)
        }
        table.register(ReplaydRPCMethod.runsExplain.rawValue) { params, context throws(JSONRPCError) in
            let parsed = try RunsExplainParams(params)
            let request = ReplayRequest(
                runID: parsed.replay.runID,
                fromCheckpoint: parsed.replay.fromCheckpoint,
                idempotencyKey: parsed.replay.idempotencyKey,
                force: parsed.replay.force,
                origin: RequestOrigin(door: .rpc, requestID: context.requestID)
            )
            do throws(ReplayError) {
                let explanation = try await pipeline.explain(
                    request,
                    principal: principal,
                    as: parsed.explainAs,
                    logger: logger
                )
                let auditor = pipeline.auditor
                let view = ReplayExplanationView(explanation) { auditor.hashValue($0) }
                guard let data = try? StraitJSON.encoder.encode(view),
                    let value = try? StraitJSON.decoder.decode(JSONValue.self, from: data)
                else { return .null }
                return value
            } catch {
                throw JSONRPCError(replayError: error)
            }
        }
        /// Throws the audited `forbidden` unless the caller may `read`.
        @Sendable func mayRead(_ context: JSONRPCContext) async throws(JSONRPCError) {
            do throws(ReplayError) {
                try await pipeline.authorize(
                    principal,
                    action: .read,
                    origin: RequestOrigin(door: .rpc, requestID: context.requestID),
                    logger: logger
                )
            } catch {
                throw JSONRPCError(replayError: error)
            }
        }
        table.register(ReplaydRPCMethod.replaysGet.rawValue) { params, context throws(JSONRPCError) in
            let parsed = try ReplaysGetParams(params)
            try await mayRead(context)
            let record: ReplayRecord?
            do {
                record = try await pipeline.record(key: parsed.key, for: principal, door: .rpc)
            } catch {
                throw JSONRPCError(replayError: ReplayError(.unavailable, "state store unavailable: \(error)"))
            }
            guard let record else {
                throw JSONRPCError(replayError: ReplayError(.recordNotFound, "no replay with key \(parsed.key)"))
            }
            return ReplayRecordView(record).jsonValue
        }
        table.register(ReplaydRPCMethod.replaysPending.rawValue) { params, context throws(JSONRPCError) in
            try JSONRPCParams.none(params)
            try await mayRead(context)
            do {
                let records = try await pipeline.unfinishedRecords(for: principal, door: .rpc)
                return .array(records.map { ReplayRecordView($0).jsonValue })
            } catch {
                throw JSONRPCError(replayError: ReplayError(.unavailable, "state store unavailable: \(error)"))
            }
        }
        table.register(ReplaydRPCMethod.gatewayStatus.rawValue) { params, context throws(JSONRPCError) in
            try JSONRPCParams.none(params)
            try await mayRead(context)
            return status()
        }
        return table
    }

    /// A submission as a JSON-RPC result (the new JobRun) or error.
    static func result(of submission: ReplaySubmission, requestID: String) throws(JSONRPCError) -> JSONValue {
        switch submission {
        case .completed(let record, _):
            let stored = ReplayRenderer.stored(record)
            let body = (try? StraitJSON.decoder.decode(JSONValue.self, from: Data(stored.body))) ?? .null
            if (200..<300).contains(stored.status) { return body }
            let envelope = try? StraitJSON.decoder.decode(StraitErrorEnvelope.self, from: Data(stored.body))
            let code = envelope?.error.code ?? record.errorCode ?? "internal_error"
            let serverCode = JSONRPCServerCode(restCode: code)
            throw JSONRPCError(
                serverCode == .replayFailed && stored.status < 500 ? .upstreamRejected : serverCode,
                restCode: code,
                message: envelope?.error.message ?? record.errorMessage ?? "the replay failed",
                details: envelope?.error.details,
                status: stored.status,
                requestID: envelope?.requestID,
                retryAfterSeconds: nil
            )
        case .inProgress:
            throw JSONRPCError(
                replayError: ReplayError(.requestInProgress, "a call with this idempotency key is in progress"),
                retryAfterSeconds: 1
            )
        case .keyReused(let record):
            throw JSONRPCError(
                replayError: ReplayError(
                    .idempotencyKeyReused,
                    "idempotency key \(record.key) was already used for run \(record.runID)"
                )
            )
        case .pending(let record):
            var data: [String: JSONValue] = [
                "code": .string(ReplayError.Code.outcomePending.rawValue),
                "status": .number(202),
                "message": .string("the outcome is not known yet; ask replays.get with key \(record.key)"),
                "retry_after": .number(1),
                "replay": ReplayRecordView(record).jsonValue,
            ]
            data["request_id"] = .string(requestID)
            throw JSONRPCError(
                code: JSONRPCServerCode.outcomePending.rawValue,
                message: "the outcome of replay \(record.key) is not known yet",
                data: .object(data)
            )
        case .rejected(let error):
            let retryAfter = error.details.first { $0.hasPrefix("retry_after=") }
                .flatMap { Int64($0.dropFirst("retry_after=".count)) }
            throw JSONRPCError(replayError: error, retryAfterSeconds: retryAfter)
        }
    }
}

import Foundation
import Logging
import Strait

extension ReplayEngine {
    /// Applies an operator's decision to a record that is not final, and returns the record afterwards.
    ///
    /// - Throws: `ReplayError` `not_found` for an unknown key, `conflict`-style `bad_request` for a final record.
    public func resolve(
        _ id: ReplayRecordID,
        action: ResolveAction,
        operator who: String
    ) async throws(ReplayError)
        -> ReplayRecord
    {
        let now = clock.wallNowMilliseconds()
        do {
            guard var record = try await store.record(id) else {
                throw ReplayError(.recordNotFound, "no replay with key \(id.key)")
            }
            guard !record.state.isFinal else {
                throw ReplayError(
                    .badRequest,
                    "replay \(id.key) is already \(record.state.rawValue); nothing to resolve"
                )
            }
            do {
                try await auditor.operatorAction(
                    record,
                    action: action.auditName,
                    by: who,
                    reason: action.auditReason
                )
            } catch {
                throw ReplayError(
                    .auditUnavailable,
                    "replayd's audit log cannot record the resolution (\(error.code.rawValue)); nothing was changed"
                )
            }
            switch action {
            case .reconcile:
                record = try await store.update(
                    record,
                    at: now,
                    RecordChange(
                        state: .reconciling,
                        reconcileDeadline: now + Self.milliseconds(settings.reconcileHorizon),
                        resolution: "\(who): reconcile again",
                        clear: [.nextActionAt]
                    )
                )
                let handle = startDriver(id, initial: record, logger: logger)
                await waitForDriver(handle)
                if let answer = handle.published { record = answer }
            case .markSucceeded(let runID):
                guard (try? RunID(runID)) != nil else { throw ReplayError(.badRequest, "invalid run id \(runID)") }
                var body = Self.encode(["id": runID])
                if let run = try? await upstream.getRun(RunID(runID), requestID: "\(record.requestID)-resolve") {
                    body = Self.encode(run.value)
                }
                record = try await store.update(
                    record,
                    at: now,
                    RecordChange(
                        state: .succeeded,
                        newRunID: runID,
                        responseStatus: 201,
                        responseBody: body,
                        resolution: "\(who): marked succeeded with run \(runID)",
                        clear: [.nextActionAt, .errorCode, .errorMessage]
                    )
                )
            case .markFailed(let reason):
                let message = "resolved by \(who): \(reason)"
                record = try await store.update(
                    record,
                    at: now,
                    RecordChange(
                        state: .failed,
                        responseStatus: 502,
                        responseBody: Self.encode(StraitErrorEnvelope(code: "resolved_failed", message: message)),
                        errorCode: "resolved_failed",
                        errorMessage: message,
                        resolution: "\(who): marked failed: \(reason)",
                        clear: [.nextActionAt]
                    )
                )
            }
            logger.notice(
                "operator resolved a replay",
                metadata: ["key_hmac": "\(auditor.hashValue(id.key))", "by": "\(who)", "action": "\(action.auditName)"]
            )
            return record
        } catch let error as StoreError {
            throw ReplayError(.unavailable, "replayd's state store is unavailable: \(error.message)")
        } catch let error as ReplayError {
            throw error
        } catch {
            throw ReplayError(.internalError, "\(error)")
        }
    }
}

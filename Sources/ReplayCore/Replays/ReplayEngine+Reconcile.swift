import Foundation
import Logging
import Strait

extension ReplayEngine {
    /// Looks for the run an ambiguous attempt may have created: reads the original run's project, then lists runs
    /// whose metadata `_sentry_request_id` equals each request id this record has sent.
    ///
    /// Found → succeeded with that run. Every lookup answered and nothing found → a new attempt is allowed.
    /// A lookup failed → try again later with backoff; past the horizon the record becomes `indeterminate`.
    func reconcile(
        _ record: inout ReplayRecord,
        round: Int,
        now: Int64,
        logger: Logger
    ) async throws(StoreError) -> Step {
        if let deadline = record.reconcileDeadline, now > deadline {
            logger.error("reconciliation horizon passed; the replay needs an operator (replayctl resolve)")
            auditor.reconciled(.horizonPassed)
            record = try await store.update(
                record,
                at: now,
                RecordChange(
                    state: .indeterminate,
                    errorCode: "outcome_unknown",
                    errorMessage: "Strait could not be asked whether the replay created a run before the "
                        + "reconcile horizon; resolve it with `replayctl resolve \(record.key)`",
                    clear: [.nextActionAt]
                )
            )
            return .rest
        }
        guard let runID = try? RunID(record.runID) else { return .rest }
        var projectID = record.projectID
        if projectID == nil {
            do {
                let lookup = "\(record.requestID)-lookup-\(round)"
                let original = try await paced { () async throws(StraitClientError) in
                    try await upstream.getRun(runID, requestID: lookup)
                }
                projectID = original.value.projectID
                record = try await store.update(record, at: now, RecordChange(projectID: original.value.projectID))
            } catch is CancellationError {
                return .rest  // shutting down while waiting for a slot: resumed at the next start
            } catch {
                return try await retryReconcile(
                    &record,
                    round: round,
                    reason: "get run failed: \(error)",
                    now: now,
                    logger: logger
                )
            }
        }
        let candidates = record.attempts.filter { $0.outcome != .notSent && !Self.refusedBeforeEnqueue($0) }
        for attempt in candidates {
            let query = RunListQuery.createdBy(requestID: attempt.requestID, projectID: projectID)
            do {
                let lookup = "\(record.requestID)-lookup-\(round)"
                let found = try await paced { () async throws(StraitClientError) in
                    try await upstream.listRuns(query, requestID: lookup)
                }
                if let run = found.value.first(where: { $0.creatingRequestID == attempt.requestID })
                    ?? found.value.first
                {
                    auditor.reconciled(.found)
                    logger.info(
                        "reconciled: the ambiguous attempt did create a run",
                        metadata: ["upstream_request_id": "\(attempt.requestID)", "new_run_id": "\(run.id)"]
                    )
                    record = try await store.update(
                        record,
                        at: clock.wallNowMilliseconds(),
                        RecordChange(
                            state: .succeeded,
                            newRunID: run.id,
                            responseStatus: 201,
                            responseBody: Self.encode(run),
                            clear: [.nextActionAt, .errorCode, .errorMessage]
                        )
                    )
                    return .rest
                }
            } catch is CancellationError {
                return .rest  // shutting down while waiting for a slot: resumed at the next start
            } catch {
                return try await retryReconcile(
                    &record,
                    round: round,
                    reason: "list runs failed: \(error)",
                    now: now,
                    logger: logger
                )
            }
        }
        // An attempt that went unanswered (timed out, reset, or cut off by a crash) may still be in Strait's hands:
        // "not found" means nothing until Strait can no longer be working on it.
        let unanswered = candidates.filter { $0.outcome != .answered || $0.status == 504 }
        if let lastSent = unanswered.map(\.recordedAt).max() {
            let settled = lastSent + Self.milliseconds(settings.reconcileSettle)
            let now = clock.wallNowMilliseconds()
            if now < settled {
                auditor.reconciled(.settling)
                logger.info(
                    "no run found yet, but Strait may still be working on the last attempt; looking again later",
                    metadata: ["settles_in_ms": "\(settled - now)"]
                )
                record = try await store.update(
                    record,
                    at: now,
                    RecordChange(
                        nextActionAt: settled,
                        errorCode: "reconcile_settling",
                        errorMessage: "no run found yet; Strait may still be processing the last attempt"
                    )
                )
                return .next
            }
        }
        auditor.reconciled(.notFound)
        logger.notice(
            "reconciled: no run was created; a new attempt is allowed",
            metadata: ["checked": "\(candidates.count)"]
        )
        record = try await store.update(
            record,
            at: clock.wallNowMilliseconds(),
            RecordChange(state: .pending, clear: [.nextActionAt, .errorCode, .errorMessage])
        )
        return .next
    }

    /// One reconciliation lookup, under the shared pacer like a replay: Strait's per-key limit counts reads too,
    /// so after a crash or a takeover of hundreds of records, their lookups must not spend the key's budget
    /// behind the pacer's back (the 429s would stall the lookups, and the replays waiting behind them).
    ///
    /// - Throws: the lookup's error, or `CancellationError` when shutdown cancels the wait for a slot.
    private func paced<Value: Sendable>(
        _ call: () async throws(StraitClientError) -> StraitResult<Value>
    ) async throws -> StraitResult<Value> {
        guard let guards else { return try await call() }
        let ticket = try await guards.pacer.acquire()
        let result: Result<StraitResult<Value>, StraitClientError>
        do {
            result = .success(try await call())
        } catch {
            result = .failure(error)
        }
        guards.pacer.settle(ticket, after: result)
        return try result.get()
    }

    private func retryReconcile(
        _ record: inout ReplayRecord,
        round: Int,
        reason: String,
        now: Int64,
        logger: Logger
    )
        async throws(StoreError) -> Step
    {
        auditor.reconciled(.lookupFailed)
        let delay = settings.reconcileBackoff.backoff(retry: round, fraction: max(0.5, jitter.nextFraction()))
        logger.warning(
            "reconciliation lookup failed; will retry",
            metadata: ["reason": "\(reason)", "delay": "\(delay)"]
        )
        record = try await store.update(
            record,
            at: now,
            RecordChange(
                nextActionAt: now + Self.milliseconds(delay),
                errorCode: "reconcile_pending",
                errorMessage: reason
            )
        )
        return .next
    }

    /// An attempt Strait answered with a refusal raised before the enqueue: it cannot have created a run.
    private static func refusedBeforeEnqueue(_ attempt: AttemptRecord) -> Bool {
        guard attempt.outcome == .answered, let status = attempt.status else { return false }
        switch status {
        case 500, 502, 504: return false
        case 429: return attempt.detail == "rate_limited" || attempt.detail == "enqueue_throttled"
        default: return status != 201
        }
    }
}

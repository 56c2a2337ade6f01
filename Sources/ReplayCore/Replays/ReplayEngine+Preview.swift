import Logging
import Strait

extension ReplayEngine {
    /// What ``submit(_:principal:logger:wait:)`` would do with `request` for `principal` right now, read-only: no
    /// audit record, no claim, no driver, nothing sent. It takes its decisions with the code `submit` uses (the
    /// record a claim inserts, the store's claim decision, the answer to an existing key, the breaker's refusal,
    /// and the upstream request built by the client that sends it), so the preview and the call cannot drift.
    ///
    /// The checks run in the order `submit` answers them: an unwritable audit log first, then an open breaker,
    /// then the store.
    public func preview(_ request: ReplayRequest, principal: Principal, logger: Logger) async -> ReplayPreview {
        let keyIsGenerated = request.idempotencyKey == nil
        let key = request.idempotencyKey ?? IdempotencyKey.generate()
        let now = clock.wallNowMilliseconds()
        let record = newRecord(request, key: key, principal: principal, now: now)
        let upstreamRequest = upstream.replayPreview(
            runID: request.runID,
            fromCheckpoint: request.fromCheckpoint,
            requestID: "\(request.origin.requestID)-1",
            timeout: settings.attemptTimeout
        )
        func preview(_ claim: ClaimPreview, _ outcome: ReplayPreview.Outcome) -> ReplayPreview {
            ReplayPreview(
                key: key,
                keyIsGenerated: keyIsGenerated,
                keySource: record.keySource,
                claim: claim,
                outcome: outcome,
                coalesceWindow: settings.coalesceWindow,
                force: request.force,
                upstream: upstreamRequest
            )
        }
        let claim: ClaimPreview
        do {
            claim = try await store.previewClaim(record, coalesceSince: coalesceSince(now: now))
        } catch {
            logger.error("replay state store unavailable", metadata: ["error": "\(error)"])
            return preview(
                .create,
                .refused(
                    ReplayError(.unavailable, "replayd's state store is unavailable; nothing was sent"),
                    by: "store"
                )
            )
        }
        let audit = auditor.status
        if !audit.writable {
            let reason = audit.degradedReason ?? "unwritable"
            return preview(
                claim,
                .refused(
                    ReplayError(
                        .auditUnavailable,
                        "replayd's audit log cannot record the request (\(reason)); nothing was sent",
                        details: ["audit=\(reason)"]
                    ),
                    by: "audit"
                )
            )
        }
        if let refusal = breakerRefusal() { return preview(claim, .refused(refusal, by: "breaker")) }
        switch claim {
        case .existing(let existing):
            let answer = answer(toExisting: existing, running: drivers.handle(for: existing.id))
            if case .completed(let published, _) = answer, !existing.state.isFinal {
                // Its driver has answered and is committing the outcome: the record is, in effect, that answer.
                return preview(.existing(published), .answered(answer))
            }
            return preview(claim, .answered(answer))
        case .fingerprintMismatch(let existing):
            return preview(claim, .answered(.keyReused(existing)))
        case .coalesce(let leader):
            guard leader.state == .succeeded else { return preview(claim, .followsLeader(leader)) }
            // The claim would store the leader's answer as this record's outcome, and answer it at once.
            var coalesced = record
            coalesced.coalescedFrom = leader.id
            coalesced.state = .succeeded
            coalesced.newRunID = leader.newRunID
            coalesced.responseStatus = leader.responseStatus
            coalesced.responseBody = leader.responseBody
            return preview(claim, .answered(.completed(coalesced, replayed: false)))
        case .create:
            return preview(claim, .sends)
        }
    }
}

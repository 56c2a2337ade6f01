import Logging

extension ReplayPipeline {
    /// What the rate-limit stage decided about a replay.
    enum ReplayAdmission {
        /// Go on; release the in-flight slot (if taken) when done, and refund `decision` if no work was done.
        case admitted(RateLimitDecision?, inFlightSlot: Bool)
        /// Refused; answer this.
        case refused(LimitedReplaySubmission)
    }

    /// The rate-limit stage for a replay (after authorize, before the idempotency claim): the GCRA limits, then
    /// the principal's in-flight cap. A refusal is a 429 `rate_limited` with `Retry-After`, audited.
    func admitReplay(_ request: ReplayRequest, principal: Principal, logger: Logger) async -> ReplayAdmission {
        var decision: RateLimitDecision?
        if let limiter {
            let verdict = limiter.check(.replay(request, principal: principal))
            decision = verdict
            if let seconds = verdict.retryAfterSeconds {
                let policy = verdict.statuses.last { $0.name == verdict.refusedBy }
                let error = ReplayError(
                    .rateLimited,
                    "too many replays (\(verdict.refusedBy ?? "limit")"
                        + (policy.map { ": \($0.limit)" } ?? "") + "); try again in \(seconds) s",
                    details: ["policy=\(verdict.refusedBy ?? "-")", "retry_after=\(seconds)"]
                )
                await refuse(request, principal: principal, error: error, logger: logger)
                return .refused(
                    LimitedReplaySubmission(.rejected(error), rateLimit: verdict, retryAfterSeconds: seconds)
                )
            }
        }
        if let inFlight {
            guard inFlight.acquire(principal.name) else {
                limiter?.refund(decision ?? .unlimited)
                let error = ReplayError(
                    .rateLimited,
                    "\(inFlight.maxPerPrincipal) of your replays are already in progress; "
                        + "try again in 1 s",
                    details: ["policy=in_flight", "retry_after=1"]
                )
                await refuse(request, principal: principal, error: error, logger: logger)
                return .refused(LimitedReplaySubmission(.rejected(error), rateLimit: decision, retryAfterSeconds: 1))
            }
            return .admitted(decision, inFlightSlot: true)
        }
        return .admitted(decision, inFlightSlot: false)
    }

    /// Ends the rate-limit stage of an admitted replay: frees the in-flight slot, and gives the charge back when
    /// the engine answered from what it already had (a repeat of a finished key, a key in progress or reused), so
    /// a client's retry with the same key is not charged twice.
    func finishReplay(
        _ submission: ReplaySubmission,
        principal: Principal,
        decision: RateLimitDecision?,
        inFlightSlot: Bool
    ) {
        if inFlightSlot { inFlight?.release(principal.name) }
        guard let decision, let limiter else { return }
        switch submission {
        case .completed(_, replayed: true), .inProgress, .keyReused: limiter.refund(decision)
        case .completed, .pending, .rejected: break
        }
    }

    private func refuse(_ request: ReplayRequest, principal: Principal, error: ReplayError, logger: Logger) async {
        logger.notice("replay rate limited", metadata: ["reason": "\(error.message)"])
        await auditor.denied(
            door: request.origin.door.rawValue,
            source: request.origin.source ?? principal.name,
            actor: ReplayAuditor.actor(principal),
            requestID: request.origin.requestID,
            runID: request.runID.rawValue,
            reason: "\(error.code.rawValue): \(error.message)"
        )
    }

    /// The rate-limit stage for a request other than a replay by `principal` through `door`: the reads limit.
    /// Returns the verdict; the door answers 429 with `Retry-After` when it refused, and sends the fields either
    /// way.
    public func limitRead(_ principal: Principal, door: RequestOrigin.Door) -> RateLimitDecision {
        limiter?.check(.read(principal: principal, door: door)) ?? .unlimited
    }
}

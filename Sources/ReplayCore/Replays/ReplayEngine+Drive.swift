import Curl
import Foundation
import Logging
import Strait

extension ReplayEngine {
    /// What a step decided.
    enum Step {
        /// State changed; take the next step now.
        case next
        /// Nothing to do until this much time has passed.
        case sleep(Duration)
        /// The record is final or indeterminate: the driver stops.
        case rest
    }

    /// Drives one record until it rests, and publishes its answer on `handle`. Store failures back off and retry;
    /// they never lose the record.
    ///
    /// The driver keeps its record in memory (`initial`, when the caller has it, saves the first read) and writes
    /// only changes; it reads the record again only after a store failure, when what is durable is the truth.
    /// Every step ends at a durable point (its change is committed). When shutdown begins, the driver stops at
    /// the next one, and a sleep ends early: the record stays unfinished and is resumed at the next start. When a
    /// write finds the record's lease lost (`leaseLost`: another instance took it over), the driver stops at once.
    func drive(
        _ id: ReplayRecordID,
        initial: ReplayRecord?,
        sendsRecordedAttempt: Bool,
        handle: DriverHandle,
        logger: Logger
    ) async {
        var current = initial
        // Every line about a request carries its request id, also from a driver resumed after a restart or
        // released after a pause (started without the request's logger).
        var logger = logger
        var tagged = logger[metadataKey: "request_id"] != nil
        // The attempt the claim recorded, to send now; otherwise an `in_flight` record is one to reconcile.
        var fresh = sendsRecordedAttempt ? initial?.attempts.last : nil
        var reconcileRound = 0
        var storeFailures = 0
        while !Task.isCancelled {
            if drivers.isDraining {
                logger.debug("shutting down: the replay resumes at the next start")
                return
            }
            let step: Step
            do {
                if current == nil { current = try await store.record(id) }
                guard var record = current else { return }
                if !tagged {
                    logger[metadataKey: "request_id"] = "\(record.requestID)"
                    tagged = true
                }
                step = try await self.step(
                    &record,
                    fresh: &fresh,
                    handle: handle,
                    reconcileRound: &reconcileRound,
                    logger: logger
                )
                current = record
                storeFailures = 0
            } catch  where error.code == .leaseLost {
                // Another instance took the record over (this one's lease expired): it is that instance's to
                // drive and reconcile now. Nothing more is written or sent from here.
                logger.warning(
                    "lost the lease on the replay to another instance; stopping without sending anything more",
                    metadata: ["error": "\(error.message)"]
                )
                return
            } catch {
                current = nil
                fresh = nil
                storeFailures += 1
                logger.error("replay state store failed; will retry", metadata: ["error": "\(error)"])
                step = .sleep(settings.reconcileBackoff.backoff(retry: storeFailures, fraction: jitter.nextFraction()))
            }
            switch step {
            case .next:
                continue
            case .rest:
                if let current { handle.publish(current) }
                return
            case .sleep(let duration):
                // After a wait the record is read again: an operator may have resolved it meanwhile.
                current = nil
                fresh = nil
                guard await drivers.sleep(for: duration, on: clock) else { continue }
            }
        }
    }

    private func step(
        _ record: inout ReplayRecord,
        fresh: inout AttemptRecord?,
        handle: DriverHandle,
        reconcileRound: inout Int,
        logger: Logger
    ) async throws(StoreError)
        -> Step
    {
        if record.state.isFinal || record.state == .indeterminate { return .rest }
        let now = clock.wallNowMilliseconds()
        if let leaderID = record.coalescedFrom {
            return try await followLeader(&record, leaderID: leaderID, now: now)
        }
        if let next = record.nextActionAt, next > now {
            return .sleep(.milliseconds(next - now))
        }
        if let recorded = fresh {
            // A new replay: its claim recorded attempt 1 in the same commit. Send it.
            fresh = nil
            if record.state == .inFlight, record.attempts.last == recorded {
                return try await attempt(&record, recorded: recorded, handle: handle, now: now, logger: logger)
            }
        }
        switch record.state {
        case .pending:
            return try await attempt(&record, recorded: nil, handle: handle, now: now, logger: logger)
        case .inFlight:
            // An attempt was recorded but its result was not: the process died around the send. It may have
            // reached Strait, so it is reconciled before anything else.
            logger.warning("resuming a replay whose last attempt has no recorded result; reconciling first")
            record = try await store.update(
                record,
                at: now,
                RecordChange(
                    state: .reconciling,
                    reconcileDeadline: now + Self.milliseconds(settings.reconcileHorizon),
                    clear: [.nextActionAt]
                )
            )
            return .next
        case .reconciling:
            reconcileRound += 1
            return try await reconcile(&record, round: reconcileRound, now: now, logger: logger)
        case .succeeded, .failed, .indeterminate:
            return .rest
        }
    }

    /// A coalesced record takes the outcome of the replay it was coalesced into.
    private func followLeader(
        _ record: inout ReplayRecord,
        leaderID: ReplayRecordID,
        now: Int64
    ) async throws(StoreError)
        -> Step
    {
        guard let leader = try await store.record(leaderID) else {
            try await finishFailed(
                &record,
                error: ReplayError(.internalError, "the replay this one was coalesced into no longer exists"),
                now: now
            )
            return .rest
        }
        switch leader.state {
        case .succeeded, .failed:
            record = try await store.update(
                record,
                at: now,
                RecordChange(
                    state: leader.state,
                    newRunID: leader.newRunID,
                    responseStatus: leader.responseStatus,
                    responseBody: leader.responseBody,
                    errorCode: leader.errorCode,
                    errorMessage: leader.errorMessage
                )
            )
            return .rest
        default:
            return .sleep(.milliseconds(200))
        }
    }

    /// Sends the next attempt: `recorded` when the claim recorded it already (a new replay), otherwise a new one,
    /// recorded durably first. Whatever stops it before the send (an invalid run id, an open breaker, shutdown)
    /// gives a recorded attempt the outcome `not_sent`, so that it is never reconciled as if it might have gone out.
    private func attempt(
        _ record: inout ReplayRecord,
        recorded: AttemptRecord?,
        handle: DriverHandle,
        now: Int64,
        logger: Logger
    ) async throws(StoreError) -> Step {
        guard let runID = try? RunID(record.runID) else {
            let change = failedChange(record, error: ReplayError(.badRequest, "invalid run id"))
            try await hold(&record, recorded: recorded, reason: "invalid_run_id", change, now: now)
            return .rest
        }
        let checkpoint = record.fromCheckpoint.flatMap { try? CheckpointSequence($0) }
        if let entry = pause.holding(source: record.source) {
            logger.notice("replays are paused; holding the replay", metadata: ["paused": "\(entry.scope)"])
            let change = RecordChange(
                state: .pending,
                errorCode: Self.pausedCode,
                errorMessage: Self.pausedMessage(entry),
                clear: [.nextActionAt]
            )
            try await hold(&record, recorded: recorded, reason: "paused", change, now: now)
            return .rest
        }
        var ticket: UpstreamPacer.Ticket?
        if let guards {
            if case .rejected(let retryAfter) = guards.breaker.allow() {
                logger.notice("circuit breaker open; holding the replay", metadata: ["retry_after": "\(retryAfter)"])
                let change = scheduleChange(
                    after: max(retryAfter, .seconds(1)),
                    code: "circuit_open",
                    message: "Strait is failing; waiting for the circuit breaker",
                    now: now
                )
                try await hold(&record, recorded: recorded, reason: "circuit_open", change, now: now)
                return .next
            }
            do {
                ticket = try await guards.pacer.acquire()
            } catch {
                guards.breaker.recordAbandoned()
                try await hold(&record, recorded: recorded, reason: "shutdown", RecordChange(state: .pending), now: now)
                return .rest
            }
        }
        if drivers.isDraining || Task.isCancelled {
            // Shutting down: send nothing new. The record stays pending and is resumed at the next start.
            if let ticket { guards?.pacer.abandon(ticket) }
            try await hold(&record, recorded: recorded, reason: "shutdown", RecordChange(state: .pending), now: now)
            return .rest
        }
        let number: Int
        let requestID: String
        if let recorded {
            number = recorded.number
            requestID = recorded.requestID
        } else {
            number = (record.attempts.last?.number ?? 0) + 1
            requestID = "\(record.requestID)-\(number)"
            do throws(StoreError) {
                record = try await store.recordAttempt(record, requestID: requestID, at: clock.wallNowMilliseconds())
            } catch {
                // Nothing is sent (the store failed, or another instance holds the lease): the pacer's slot and
                // a half-open breaker's probe go back.
                if let ticket { guards?.pacer.abandon(ticket) }
                guards?.breaker.recordAbandoned()
                throw error
            }
        }
        crash.reached(.afterAttemptRecorded)

        let result: Result<StraitResult<ReplayedRun>, StraitClientError>
        do {
            result = .success(
                try await upstream.replay(
                    runID: runID,
                    fromCheckpoint: checkpoint,
                    requestID: requestID,
                    idempotencyKey: UpstreamIdempotencyKey.forRecord(record),
                    timeout: settings.attemptTimeout
                )
            )
        } catch {
            result = .failure(error)
        }
        crash.reached(.afterResponse)
        let finished = clock.wallNowMilliseconds()
        // A released held replay lets the next one go now (after `finished`, so their attempts do not overlap).
        handle.markSent()
        var attemptLogger = logger
        attemptLogger[metadataKey: "upstream_request_id"] = "\(requestID)"

        let verdict = AttemptVerdict(result)
        if let guards {
            guards.breaker.record(verdict.classification)
            guards.budget.record(verdict.classification)
            if let ticket { guards.pacer.settle(ticket, after: result) }
        }
        // Each outcome is one durable commit: the attempt's result together with the record's next state.
        let sent = record
        func finish(
            _ outcome: AttemptOutcome,
            status: Int?,
            detail: String?,
            _ change: RecordChange
        )
            async throws(StoreError) -> ReplayRecord
        {
            try await store.finishAttempt(
                sent,
                attempt: number,
                outcome: outcome,
                status: status,
                detail: detail,
                at: finished,
                change
            )
        }
        switch verdict.kind {
        case .created(let created):
            health.recordResponse(status: created.response.status)
            let change = RecordChange(
                state: .succeeded,
                newRunID: created.value.id,
                responseStatus: created.response.status,
                responseBody: created.response.body,
                clear: [.nextActionAt, .errorCode, .errorMessage]
            )
            // The caller is answered now, before the commit: a crash before it leaves the attempt recorded
            // without a result, and reconciling it finds this run (by the attempt's request id), so the answer
            // holds. Failures are answered only once committed, because reconciling them may retry.
            handle.publish(
                sent.finishingAttempt(
                    number,
                    outcome: .answered,
                    status: created.response.status,
                    detail: nil,
                    at: finished
                ).applying(change, at: finished)
            )
            attemptLogger.info("replay created a run", metadata: ["new_run_id": "\(created.value.id)"])
            if crash.phase == .outcomeNeverCommitted {
                // Testing only: the process is about to be killed with the answer given and the outcome not
                // committed. Park until then.
                await drivers.parkUntilShutdown()
                return .rest
            }
            record = try await finish(.answered, status: created.response.status, detail: nil, change)
            return .rest

        case .refused(let apiError, let retryable):
            health.recordResponse(status: apiError.status)
            if retryable, let delay = retryDelay(record, verdict: verdict, attempts: number, now: finished) {
                attemptLogger.notice(
                    "upstream refused before doing anything; retrying later",
                    metadata: ["status": "\(apiError.status)", "code": "\(apiError.code)", "delay": "\(delay)"]
                )
                record = try await finish(
                    .answered,
                    status: apiError.status,
                    detail: apiError.code,
                    scheduleChange(after: delay, code: apiError.code, message: apiError.message, now: finished)
                )
                return .next
            }
            attemptLogger.notice(
                "upstream refused the replay",
                metadata: ["status": "\(apiError.status)", "code": "\(apiError.code)"]
            )
            record = try await finish(
                .answered,
                status: apiError.status,
                detail: apiError.code,
                RecordChange(
                    state: .failed,
                    responseStatus: apiError.status,
                    responseBody: Self.encode(apiError.envelope),
                    errorCode: apiError.code,
                    errorMessage: apiError.message,
                    clear: [.nextActionAt]
                )
            )
            return .rest

        case .notSent(let curlError):
            health.recordFailure("\(curlError.code): \(curlError.message)")
            if let delay = retryDelay(record, verdict: verdict, attempts: number, now: finished) {
                attemptLogger.warning(
                    "upstream unreachable, nothing was sent; retrying",
                    metadata: ["error": "\(curlError.code)", "delay": "\(delay)"]
                )
                record = try await finish(
                    .notSent,
                    status: nil,
                    detail: curlError.code.description,
                    scheduleChange(
                        after: delay,
                        code: "upstream_unreachable",
                        message: curlError.message,
                        now: finished
                    )
                )
                return .next
            }
            attemptLogger.error(
                "upstream unreachable; giving up",
                metadata: ["error": "\(curlError.code)", "attempts": "\(number)"]
            )
            let error = ReplayError(
                .upstreamUnreachable,
                "could not reach Strait at \(upstream.baseURL) (\(curlError.code): \(curlError.message)) after "
                    + "\(number) attempt\(number == 1 ? "" : "s"); nothing was sent, no run was created",
                details: ["upstream=\(upstream.baseURL)", "attempts=\(number)"]
            )
            record = try await finish(
                .notSent,
                status: nil,
                detail: curlError.code.description,
                failedChange(sent, error: error)
            )
            return .rest

        case .ambiguous(let outcome, let status, let reason):
            if let status { health.recordResponse(status: status) } else { health.recordFailure(reason) }
            attemptLogger.warning(
                "ambiguous upstream result; reconciling before any retry",
                metadata: ["reason": "\(reason)"]
            )
            record = try await finish(
                outcome,
                status: status,
                detail: reason,
                RecordChange(
                    state: .reconciling,
                    reconcileDeadline: finished + Self.milliseconds(settings.reconcileHorizon),
                    errorCode: ReplayError.Code.upstreamOutcomeUnknown.rawValue,
                    errorMessage: reason,
                    clear: [.nextActionAt]
                )
            )
            return .next
        }
    }

    /// Applies `change` to a record whose attempt was not sent: with a recorded attempt, that attempt's outcome
    /// becomes `not_sent` in the same commit.
    private func hold(
        _ record: inout ReplayRecord,
        recorded: AttemptRecord?,
        reason: String,
        _ change: RecordChange,
        now: Int64
    ) async throws(StoreError) {
        guard let recorded else {
            record = try await store.update(record, at: now, change)
            return
        }
        record = try await store.finishAttempt(
            record,
            attempt: recorded.number,
            outcome: .notSent,
            status: nil,
            detail: reason,
            at: now,
            change
        )
    }

    /// The delay before the next attempt (from `RetrySchedule`: backoff or the server's `Retry-After`), or `nil`
    /// when the attempts, the deadline or the retry budget are used up.
    func retryDelay(_ record: ReplayRecord, verdict: AttemptVerdict, attempts: Int, now: Int64) -> Duration? {
        let decision = schedule.decide(
            after: verdict.classification,
            attempts: attempts,
            now: .milliseconds(now),
            deadline: .milliseconds(record.createdAt + Self.milliseconds(settings.deadline))
        )
        guard case .retry(let delay) = decision else { return nil }
        // A 429 is retried after its Retry-After under the shared pacer; the budget is for failures, and a burst
        // that meets Strait's rate limit must not use it up and turn later 429s into final failures.
        if case .refused(429, _, _, _) = verdict.classification {
            return delay
        }
        if let budget = guards?.budget, !budget.allowRetry() {
            logger.warning(
                "retry budget exhausted; not retrying",
                metadata: ["key_hmac": "\(auditor.hashValue(record.key))"]
            )
            return nil
        }
        return delay
    }

    /// Back to `pending`, with the next attempt at `now + delay`.
    func scheduleChange(after delay: Duration, code: String, message: String, now: Int64) -> RecordChange {
        RecordChange(
            state: .pending,
            nextActionAt: now + Self.milliseconds(delay),
            errorCode: code,
            errorMessage: message
        )
    }

    func finishFailed(_ record: inout ReplayRecord, error: ReplayError, now: Int64) async throws(StoreError) {
        record = try await store.update(record, at: now, failedChange(record, error: error))
    }

    /// Final `failed`, with replayd's own error stored as the answer.
    func failedChange(_ record: ReplayRecord, error: ReplayError) -> RecordChange {
        RecordChange(
            state: .failed,
            responseStatus: error.code.status,
            responseBody: Self.encode(
                StraitErrorEnvelope(
                    code: error.code.rawValue,
                    message: error.message,
                    details: error.details.isEmpty ? nil : error.details,
                    requestID: record.requestID
                )
            ),
            errorCode: error.code.rawValue,
            errorMessage: error.message,
            clear: [.nextActionAt]
        )
    }

    static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
        ((try? StraitJSON.encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)) + [0x0A]
    }
}

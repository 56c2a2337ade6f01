import Curl
import Logging
import Strait

extension FollowUpWorker {
    /// What became of one follow-up in a pass.
    enum Outcome: Sendable {
        case delivered, retrying, failed, interrupted, storeFailed
    }

    /// What an attempt's response or error means, before it is stored.
    private enum Verdict {
        case delivered(status: Int)
        case retry(status: Int?, error: String, retryAfter: Duration?)
        case fail(FollowUpFailure, status: Int?)
        case interrupted(String)
    }

    /// Attempts every follow-up due at `now` (``FollowUpOutbox/due(now:limit:)``: at most `batchSize`, one per
    /// conversation), up to `maxConcurrentPosts` at a time, stores each result and tells the observer.
    ///
    /// - Parameter now: the wall time (Unix milliseconds) that decides what is due, what has expired, and when a
    ///   retry is due. The loop passes the clock's time; tests pass it explicitly.
    @discardableResult
    public func deliverDue(now: Int64) async -> FollowUpPass {
        var pass = FollowUpPass()
        let due: [FollowUp]
        do {
            due = try await outbox.due(now: now, limit: configuration.batchSize)
        } catch {
            logger.warning("reading due follow-ups failed", metadata: ["error": "\(error)"])
            pass.storeFailures += 1
            return pass
        }
        guard !due.isEmpty else { return pass }
        let limit = configuration.maxConcurrentPosts
        await withTaskGroup(of: Outcome.self) { group in
            var queue = due.makeIterator()
            for _ in 0..<limit {
                guard let next = queue.next() else { break }
                group.addTask { await self.deliver(next, now: now) }
            }
            for await outcome in group {
                switch outcome {
                case .delivered: pass.delivered += 1
                case .retrying: pass.retrying += 1
                case .failed: pass.failed += 1
                case .interrupted: pass.interrupted += 1
                case .storeFailed: pass.storeFailures += 1
                }
                if let next = queue.next() {
                    group.addTask { await self.deliver(next, now: now) }
                }
            }
        }
        return pass
    }

    /// One attempt at `followUp`, its result stored and observed.
    func deliver(_ followUp: FollowUp, now: Int64) async -> Outcome {
        var logger = logger
        logger[metadataKey: "follow_up_id"] = "\(followUp.id)"
        logger[metadataKey: "follow_up_kind"] = "\(followUp.kind.rawValue)"
        logger[metadataKey: "destination_host"] = "\(followUp.destinationHost)"
        logger[metadataKey: "destination_hash"] = "\(hashDestination(followUp.destination))"
        logger[metadataKey: "attempt"] = "\(followUp.attempts + 1)"

        guard now < followUp.notAfter else {
            let late = Duration.milliseconds(now - followUp.notAfter)
            let failure = FollowUpFailure(
                .expired,
                "the \(followUp.kind.rawValue) deadline passed \(late) ago, before it could be posted"
            )
            return await store(followUp, .fail(failure, status: nil), attempted: false, now: now, logger: logger)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let request = HTTPRequest(
            method: "POST",
            url: followUp.destination,
            headers: headers,
            body: followUp.body,
            timeout: configuration.requestTimeout
        )
        let verdict: Verdict
        do {
            let response = try await http.send(request)
            verdict = Self.verdict(for: response, destination: followUp.destination, now: now)
        } catch {
            verdict = Self.verdict(for: error, destination: followUp.destination)
        }
        return await store(followUp, verdict, attempted: true, now: now, logger: logger)
    }

    /// Stores `verdict` (turning a retry that would land past `notAfter` into `gave_up`) and tells the observer.
    private func store(
        _ followUp: FollowUp,
        _ verdict: Verdict,
        attempted: Bool,
        now: Int64,
        logger: Logger
    ) async -> Outcome {
        let event: FollowUpEvent
        do {
            switch verdict {
            case .interrupted(let reason):
                logger.debug("follow-up post interrupted; it stays pending", metadata: ["reason": "\(reason)"])
                return .interrupted
            case .delivered(let status):
                let stored = try await outbox.markDelivered(followUp.id, status: status, at: now)
                logger.info("follow-up delivered", metadata: ["status": "\(status)"])
                event = FollowUpEvent(followUp: stored, result: .delivered(status: status))
            case .retry(let status, let error, let retryAfter):
                let attempts = followUp.attempts + 1
                let delay = retryDelay(attempt: attempts, retryAfter: retryAfter)
                let nextAt = now.addingReportingOverflow(Self.milliseconds(delay))
                if nextAt.overflow || nextAt.partialValue >= followUp.notAfter {
                    let failure = FollowUpFailure(
                        .gaveUp,
                        "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(error); the next try "
                            + "(in \(delay)) would be past the \(followUp.kind.rawValue) deadline"
                    )
                    return try await fail(followUp, failure, status: status, attempted: attempted, now: now, logger)
                }
                let stored = try await outbox.markRetry(
                    followUp.id,
                    nextAt: nextAt.partialValue,
                    error: error,
                    status: status,
                    at: now
                )
                logger.notice(
                    "follow-up attempt failed; will retry",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"]
                )
                event = FollowUpEvent(
                    followUp: stored,
                    result: .retrying(nextAttemptAt: nextAt.partialValue, status: status, error: error)
                )
            case .fail(let failure, let status):
                return try await fail(followUp, failure, status: status, attempted: attempted, now: now, logger)
            }
        } catch {
            // The follow-up stays as it was: a delivered one may be posted again (at least once).
            logger.error("storing a follow-up result failed", metadata: ["error": "\(error)"])
            return .storeFailed
        }
        await observer.followUpAttempted(event)
        return event.followUp.state == .delivered ? .delivered : .retrying
    }

    private func fail(
        _ followUp: FollowUp,
        _ failure: FollowUpFailure,
        status: Int?,
        attempted: Bool,
        now: Int64,
        _ logger: Logger
    ) async throws(StoreError) -> Outcome {
        let stored = try await outbox.markFailed(
            followUp.id,
            error: failure,
            status: status,
            attempted: attempted,
            at: now
        )
        logger.warning(
            "follow-up failed",
            metadata: ["code": "\(failure.code.rawValue)", "error": "\(failure.message)"]
        )
        await observer.followUpAttempted(FollowUpEvent(followUp: stored, result: .failed(failure, status: status)))
        return .failed
    }

    /// The wait before retry number `attempt` (1 after the first attempt): the server's `Retry-After` clamped and
    /// jittered, or the equal-jitter backoff.
    func retryDelay(attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter {
            let range = configuration.retryAfterRange
            let clamped = min(max(retryAfter, range.lowerBound), range.upperBound)
            let spread = clamped * (configuration.retryAfterJitter * Self.fraction(jitter.nextFraction()))
            return min(clamped + spread, range.upperBound)
        }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(configuration.backoffCap, configuration.backoffBase * (1 << exponent))
        return ceiling * (0.5 + 0.5 * Self.fraction(jitter.nextFraction()))
    }

    private static func fraction(_ value: Double) -> Double {
        value.isNaN ? 0 : min(max(value, 0), 1)
    }

    /// 2xx delivers; 429 and 5xx retry (honouring `Retry-After`); anything else is final.
    private static func verdict(for response: HTTPResponse, destination: String, now: Int64) -> Verdict {
        let status = response.status
        if (200..<300).contains(status) {
            return .delivered(status: status)
        }
        let excerpt = FollowUpRedaction.redact(
            String(decoding: response.body.prefix(1024), as: UTF8.self),
            destination: destination
        )
        let error = excerpt.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(excerpt)"
        if status == 429 || (500..<600).contains(status) {
            let retryAfter = response.headers["Retry-After"].flatMap {
                RetryAfter(headerValue: $0, nowUnixSeconds: now / 1000)
            }
            return .retry(status: status, error: error, retryAfter: retryAfter?.delay)
        }
        return .fail(FollowUpFailure(.rejected, "the platform refused it: \(error)"), status: status)
    }

    /// Cancellation leaves the follow-up alone; a refused URL fails; any other transport error is retried.
    private static func verdict(for error: CurlError, destination: String) -> Verdict {
        let message = FollowUpRedaction.redact(error.message, destination: destination)
        switch error.code {
        case .cancelled, .shutdown:
            return .interrupted("\(error.code)")
        case .invalidRequest, .insecureURL:
            return .fail(
                FollowUpFailure(.invalidRequest, "the request could not be made: \(error.code): \(message)"),
                status: nil
            )
        default:
            return .retry(status: nil, error: "network error: \(error.code): \(message)", retryAfter: nil)
        }
    }
}

import Curl
import Logging
import Strait

/// The one pipeline every door calls: authenticate → authorize → upstream (→ classify, retry what is safe).
///
/// Stages are injected at the seams (`PeerAuthenticator`, `ReplayPolicy`, `ReplayUpstream`, `Clock`,
/// `JitterSource`). Idempotency, the durable audit log and rate limits plug in between authorize and upstream
/// in later releases. This release retries only attempts that sent nothing, which can never create a run.
public struct ReplayPipeline: Sendable {
    private let authenticator: any PeerAuthenticator
    private let policy: any ReplayPolicy
    private let upstream: any ReplayUpstream
    private let retry: RetryPolicy
    private let attemptTimeout: Duration?
    private let clock: any Clock<Duration>
    private let jitter: any JitterSource
    private let health: UpstreamHealth

    /// Creates a pipeline.
    ///
    /// - Parameters:
    ///   - attemptTimeout: the total timeout of one upstream attempt; `nil` uses the HTTP client's default.
    public init(
        authenticator: any PeerAuthenticator,
        policy: any ReplayPolicy = MappedPrincipalsPolicy(),
        upstream: any ReplayUpstream,
        retry: RetryPolicy = RetryPolicy(),
        attemptTimeout: Duration? = nil,
        clock: any Clock<Duration> = ContinuousClock(),
        jitter: any JitterSource = SystemJitterSource(),
        health: UpstreamHealth
    ) {
        self.authenticator = authenticator
        self.policy = policy
        self.upstream = upstream
        self.retry = retry
        self.attemptTimeout = attemptTimeout
        self.clock = clock
        self.jitter = jitter
        self.health = health
    }

    /// The upstream's base URL.
    public var upstreamBaseURL: String { upstream.baseURL }

    /// The authenticate stage, which doors call as soon as they know the peer (before reading a body).
    public func authenticate(_ peer: PeerCredentials) throws(ReplayError) -> Principal {
        try authenticator.authenticate(peer)
    }

    /// Runs the rest of the pipeline for an authenticated request.
    public func execute(_ request: ReplayRequest, principal: Principal, logger: Logger) async -> ReplayOutcome {
        do {
            try policy.authorize(principal, request)
        } catch {
            logger.notice("replay denied by policy", metadata: ["reason": "\(error.message)"])
            return .failed(error, attempts: [])
        }
        var attempts: [UpstreamAttempt] = []
        var attemptNumber = 1
        while true {
            let requestID = "\(request.origin.requestID)-\(attemptNumber)"
            var attemptLogger = logger
            attemptLogger[metadataKey: "upstream_request_id"] = "\(requestID)"
            do {
                let result = try await upstream.replay(
                    runID: request.runID,
                    fromCheckpoint: request.fromCheckpoint,
                    requestID: requestID,
                    timeout: attemptTimeout
                )
                let duration = result.response.facts.timings.total
                attempts.append(
                    UpstreamAttempt(requestID: requestID, result: .status(result.response.status), duration: duration)
                )
                health.recordResponse(status: result.response.status)
                attemptLogger.info(
                    "replay created a run",
                    metadata: ["new_run_id": "\(result.value.id)", "status": "\(result.response.status)"]
                )
                return .replayed(run: result.value, response: result.response, attempts: attempts)
            } catch {
                switch error {
                case .invalidInput(let input):
                    return .failed(ReplayError(.badRequest, input.message), attempts: attempts)
                case .api(let apiError):
                    let duration = apiError.response.facts.timings.total
                    attempts.append(
                        UpstreamAttempt(requestID: requestID, result: .status(apiError.status), duration: duration)
                    )
                    health.recordResponse(status: apiError.status)
                    attemptLogger.notice(
                        "upstream refused the replay",
                        metadata: ["status": "\(apiError.status)", "code": "\(apiError.code)"]
                    )
                    return .rejected(apiError, attempts: attempts)
                case .undecodableResponse(let response, let reason):
                    let duration = response.facts.timings.total
                    attempts.append(
                        UpstreamAttempt(requestID: requestID, result: .status(response.status), duration: duration)
                    )
                    health.recordResponse(status: response.status)
                    attemptLogger.error("upstream answered with an undecodable body", metadata: ["reason": "\(reason)"])
                    return .failed(
                        ReplayError(
                            .upstreamBadResponse,
                            "Strait answered \(response.status) but the body is not a run; a run may have been created",
                            details: attempts.map { "upstream_request_id=\($0.requestID)" }
                        ),
                        attempts: attempts
                    )
                case .transport(let curlError):
                    let duration = curlError.facts.timings.total
                    health.recordFailure("\(curlError.code): \(curlError.message)")
                    if curlError.facts.requestSent {
                        attempts.append(
                            UpstreamAttempt(
                                requestID: requestID,
                                result: .sentNoResponse(curlError.code),
                                duration: duration
                            )
                        )
                        attemptLogger.error(
                            "upstream request sent but no answer; outcome unknown",
                            metadata: ["error": "\(curlError.code)", "message": "\(curlError.message)"]
                        )
                        return .failed(outcomeUnknown(curlError, attempts: attempts), attempts: attempts)
                    }
                    attempts.append(
                        UpstreamAttempt(requestID: requestID, result: .notSent(curlError.code), duration: duration)
                    )
                    guard attemptNumber < retry.maxAttempts, !Task.isCancelled else {
                        attemptLogger.error(
                            "upstream unreachable",
                            metadata: [
                                "error": "\(curlError.code)", "message": "\(curlError.message)",
                                "attempts": "\(attemptNumber)",
                            ]
                        )
                        return .failed(unreachable(curlError, attempts: attempts), attempts: attempts)
                    }
                    let delay = retry.backoff(retry: attemptNumber, fraction: jitter.nextFraction())
                    attemptLogger.warning(
                        "upstream unreachable, nothing was sent; retrying",
                        metadata: ["error": "\(curlError.code)", "delay": "\(delay)"]
                    )
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        return .failed(unreachable(curlError, attempts: attempts), attempts: attempts)
                    }
                    attemptNumber += 1
                }
            }
        }
    }

    private func unreachable(_ error: CurlError, attempts: [UpstreamAttempt]) -> ReplayError {
        ReplayError(
            .upstreamUnreachable,
            "could not reach Strait at \(upstream.baseURL) (\(error.code): \(error.message)) after "
                + "\(attempts.count) attempt\(attempts.count == 1 ? "" : "s"); nothing was sent, no run was created",
            details: ["upstream=\(upstream.baseURL)", "attempts=\(attempts.count)"]
        )
    }

    private func outcomeUnknown(_ error: CurlError, attempts: [UpstreamAttempt]) -> ReplayError {
        ReplayError(
            .upstreamOutcomeUnknown,
            "the replay was sent to Strait at \(upstream.baseURL) but no answer came back (\(error.code)); "
                + "a run may have been created. Check for a run whose metadata _sentry_request_id is "
                + "\(attempts.last?.requestID ?? "?") before retrying",
            details: ["upstream=\(upstream.baseURL)"] + attempts.map { "upstream_request_id=\($0.requestID)" }
        )
    }
}

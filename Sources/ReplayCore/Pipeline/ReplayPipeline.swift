import Logging
import Strait

/// The one pipeline every door calls: authenticate → authorize → rate-limit → audit `received` (durable) →
/// the exactly-once engine (idempotency claim, durable attempts, classification, retries, reconciliation).
///
/// Stages are injected at the seams (`PeerAuthenticator`, `ReplayPolicy`, `RecordVisibility`, `ReplayEngine` with
/// its `ReplayStore`, `ReplayUpstream` and `ReplayClock`). Doors only translate wire formats: they read records,
/// resolve them and read status through the pipeline, never through the engine, so that who may see what is
/// decided here.
public struct ReplayPipeline: Sendable {
    private let authenticator: any PeerAuthenticator
    let policy: any ReplayPolicy
    let visibility: any RecordVisibility
    /// What explain reads the limits through.
    let limits: any ReplayLimiterPreview
    /// The configured principals, for `explain --as`; `nil`: `--as` names no one.
    let principals: (any PrincipalLookup)?
    /// The exactly-once engine behind the pipeline.
    let engine: ReplayEngine
    /// The rate-limit stage's GCRA limits (`nil`: none).
    let limiter: RateLimiter?
    /// The rate-limit stage's per-principal in-flight cap (`nil`: none).
    let inFlight: InFlightLimiter?

    /// Creates a pipeline. The defaults allow every mapped principal and show each its own records: for pipelines
    /// built in code; the daemon passes a ``GrantPolicy`` as both `policy` and `visibility`. `limiter` and
    /// `inFlight` are the rate-limit stage; without them nothing is limited.
    ///
    /// - Parameters:
    ///   - limits: the limiter's read-only view, for explain (by default the `limiter`'s own, or none).
    ///   - principals: the configured principals, so that `explain --as NAME` can name one.
    public init(
        authenticator: any PeerAuthenticator,
        policy: any ReplayPolicy = MappedPrincipalsPolicy(),
        visibility: any RecordVisibility = OwnerOnlyVisibility(),
        limits: (any ReplayLimiterPreview)? = nil,
        principals: (any PrincipalLookup)? = nil,
        engine: ReplayEngine,
        limiter: RateLimiter? = nil,
        inFlight: InFlightLimiter? = nil
    ) {
        self.authenticator = authenticator
        self.policy = policy
        self.visibility = visibility
        self.limits = limits ?? limiter ?? NoReplayLimits()
        self.principals = principals
        self.engine = engine
        self.limiter = limiter
        self.inFlight = inFlight
    }

    /// The upstream's base URL.
    public var upstreamBaseURL: String { engine.upstreamBaseURL }

    /// The breaker, the learned rate limit and the replays in progress, for status routes.
    public var status: PipelineStatus {
        let rateLimit = engine.learnedRateLimit
        return PipelineStatus(
            upstreamBaseURL: engine.upstreamBaseURL,
            breaker: engine.breakerState,
            rateLimit: rateLimit.limit,
            rateLimitRemaining: rateLimit.remaining,
            activeReplays: engine.activeDriverCount
        )
    }

    /// The record with idempotency key `key` that `principal` may see through `door`, or `nil`: a key that does
    /// not exist and a key `principal` may not see are the same answer.
    public func record(
        key: String,
        for principal: Principal,
        door: RequestOrigin.Door = .socket
    ) async throws(StoreError) -> ReplayRecord? {
        for owner in visibility.owners(visibleTo: principal, door: door) {
            if let record = try await engine.record(ReplayRecordID(principal: owner, key: key)),
                visibility.canSee(record, principal: principal, door: door)
            {
                return record
            }
        }
        return nil
    }

    /// The unfinished records `principal` may see through `door`, newest first (at most 1000).
    public func unfinishedRecords(
        for principal: Principal,
        door: RequestOrigin.Door = .socket
    ) async throws(StoreError) -> [ReplayRecord] {
        switch visibility.scope(for: principal, door: door) {
        case .none: return []
        case .own: return try await engine.unfinishedRecords(principal: principal.name)
        case .everyone: return try await engine.unfinishedRecords(principal: nil)
        }
    }

    /// The records `principal` may see through `door` that were created at or after `since` (Unix milliseconds),
    /// finished or not, newest first (at most `limit`): `replayctl history`.
    public func history(
        for principal: Principal,
        since: Int64,
        limit: Int = 1000,
        door: RequestOrigin.Door = .socket
    ) async throws(StoreError) -> [ReplayRecord] {
        let owner: String?
        switch visibility.scope(for: principal, door: door) {
        case .none: return []
        case .own: owner = principal.name
        case .everyone: owner = nil
        }
        return try await engine.history(principal: owner, since: since, limit: limit)
    }

    /// Applies an operator's decision (`replayctl resolve`) to the record with `key`, on behalf of `principal`,
    /// and returns the record afterwards.
    ///
    /// - Throws: `ReplayError` `not_found` (404) when `principal` may not see the record or may not resolve it (the
    ///   same answer as an unknown key), `bad_request` for a final record, `unavailable` when the store fails.
    public func resolve(
        key: String,
        action: ResolveAction,
        by principal: Principal,
        door: RequestOrigin.Door = .socket
    ) async throws(ReplayError) -> ReplayRecord {
        let found: ReplayRecord?
        do {
            found = try await record(key: key, for: principal, door: door)
        } catch {
            throw ReplayError(.unavailable, "replayd's state store is unavailable: \(error.message)")
        }
        guard let found, visibility.canResolve(found, principal: principal, door: door) else {
            throw ReplayError(.recordNotFound, "no replay with key \(key)")
        }
        return try await engine.resolve(found.id, action: action, operator: principal.name)
    }

    /// The authenticate stage, which doors call as soon as they know the peer (before reading a body).
    public func authenticate(_ peer: PeerCredentials) throws(ReplayError) -> Principal {
        try authenticator.authenticate(peer)
    }

    /// The authorize stage for an action other than a replay (reading everyone's records, token admin, reload,
    /// pause): returns normally when `principal` may take `action` through `origin`'s door; otherwise the denial
    /// is audited and a `forbidden` error thrown.
    public func authorize(
        _ principal: Principal,
        action: PolicyAction,
        origin: RequestOrigin,
        logger: Logger
    ) async throws(ReplayError) {
        do {
            try policy.authorize(principal, action: action, door: origin.door)
        } catch {
            logger.notice(
                "action denied by policy",
                metadata: ["action": "\(action.rawValue)", "reason": "\(error.message)"]
            )
            await engine.auditor.denied(
                door: origin.door.rawValue,
                source: origin.source ?? principal.name,
                actor: ReplayAuditor.actor(principal),
                requestID: origin.requestID,
                runID: nil,
                reason: "\(error.code.rawValue): \(error.message)"
            )
            throw error
        }
    }

    /// The audit trail every door records its denials in (unknown peers, bad input).
    public var auditor: ReplayAuditor { engine.auditor }

    /// Runs the rest of the pipeline for an authenticated request, waiting up to `wait` for the outcome (default
    /// `[replays] wait`; asynchronous doors pass zero).
    public func execute(
        _ request: ReplayRequest,
        principal: Principal,
        logger: Logger,
        wait: Duration? = nil
    ) async -> ReplaySubmission {
        await submit(request, principal: principal, logger: logger, wait: wait).submission
    }

    /// ``execute(_:principal:logger:wait:)``, with the rate-limit stage's verdict for the door's response fields.
    public func submit(
        _ request: ReplayRequest,
        principal: Principal,
        logger: Logger,
        wait: Duration? = nil
    ) async -> LimitedReplaySubmission {
        var request = request
        do {
            request.authorization = try await policy.authorize(principal, request)
        } catch {
            logger.notice("replay denied by policy", metadata: ["reason": "\(error.message)"])
            await engine.auditor.denied(
                door: request.origin.door.rawValue,
                source: request.origin.source ?? principal.name,
                actor: ReplayAuditor.actor(principal),
                requestID: request.origin.requestID,
                runID: request.runID.rawValue,
                reason: "\(error.code.rawValue): \(error.message)"
            )
            return LimitedReplaySubmission(.rejected(error))
        }
        switch await admitReplay(request, principal: principal, logger: logger) {
        case .refused(let refusal):
            return refusal
        case .admitted(let decision, let inFlightSlot):
            let submission = await engine.submit(request, principal: principal, logger: logger, wait: wait)
            finishReplay(submission, principal: principal, decision: decision, inFlightSlot: inFlightSlot)
            return LimitedReplaySubmission(submission, rateLimit: decision)
        }
    }
}

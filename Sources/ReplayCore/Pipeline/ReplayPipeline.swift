import Logging
import Strait

/// The one pipeline every door calls: authenticate → authorize → audit `received` (durable) →
/// the exactly-once engine (idempotency claim, durable attempts, classification, retries, reconciliation).
///
/// Stages are injected at the seams (`PeerAuthenticator`, `ReplayPolicy`, `ReplayEngine` with its `ReplayStore`,
/// `ReplayUpstream` and `ReplayClock`). Doors only translate wire formats.
public struct ReplayPipeline: Sendable {
    private let authenticator: any PeerAuthenticator
    private let policy: any ReplayPolicy
    /// The exactly-once engine behind the pipeline (read-only operations and operator actions go to it directly).
    public let engine: ReplayEngine

    /// Creates a pipeline.
    public init(
        authenticator: any PeerAuthenticator,
        policy: any ReplayPolicy = MappedPrincipalsPolicy(),
        engine: ReplayEngine
    ) {
        self.authenticator = authenticator
        self.policy = policy
        self.engine = engine
    }

    /// The upstream's base URL.
    public var upstreamBaseURL: String { engine.upstreamBaseURL }

    /// The authenticate stage, which doors call as soon as they know the peer (before reading a body).
    public func authenticate(_ peer: PeerCredentials) throws(ReplayError) -> Principal {
        try authenticator.authenticate(peer)
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
        do {
            try policy.authorize(principal, request)
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
            return .rejected(error)
        }
        return await engine.submit(request, principal: principal, logger: logger, wait: wait)
    }
}

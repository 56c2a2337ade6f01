import Audit
import Logging
import NIOHTTP1
import ReplayCore
import Strait
import Synchronization
import Webhooks

/// The webhook door: verifies each delivery on its raw bytes, turns it into replay requests for the one pipeline,
/// and answers in the sender's terms, inside the sender's deadline.
///
/// For every request, in order:
/// 1. **Verify** with the source's keyring (constant time, before any parsing). A failure is audited (as a denial,
///    so a flood is counted rather than written line by line) and answered 401, which the listener counts toward
///    the client's block.
/// 2. **Audit** the verified delivery (key id, body digest, hashed delivery id) durably; if the log cannot take
///    it, 503 and nothing else happens.
/// 3. **Handshakes** (GitHub `ping`, Discord PING, Slack `url_verification`) are answered at once.
/// 4. **Dedup**: the delivery identity is claimed in the replay store; a duplicate (or ten sent at once) gets the
///    first answer's exact bytes and causes nothing. The identity is also the replay's idempotency key.
/// 5. **Identity** maps to a principal (Slack team/user, Discord guild/user, GitHub login, or the source's
///    service principal). Unmapped users get a short denial in their channel, and the denial is audited.
/// 6. **Submit** with no wait: the answer goes out as soon as the request is durably accepted. Slack and Discord
///    get their ack; the outcome is posted later by ``WebhookReplier``.
public final class WebhookDoor: WebhookRequestHandler {
    /// The sources and the directory in force, read once per delivery (a reload replaces them).
    let live: @Sendable () -> WebhookDoorConfig
    let pipeline: ReplayPipeline
    let deliveries: any WebhookDeliveryStore
    let replier: WebhookReplier
    let clock: any ReplayClock
    let discordAPIURL: String
    private let inFlight = Mutex<[DeliveryID: CompletionSignal]>([:])

    /// Creates the door.
    ///
    /// - Parameters:
    ///   - sources: the configured sources, by name.
    ///   - directory: maps chat and GitHub users to principals.
    ///   - deliveries: dedup, replies owed and the auto-replay budget (the replay store).
    ///   - replier: posts outcomes once replays settle.
    ///   - discordAPIURL: where Discord follow-ups go (`https://discord.com/api/v10`).
    public convenience init(
        sources: [WebhookSource],
        pipeline: ReplayPipeline,
        directory: PrincipalDirectory,
        deliveries: any WebhookDeliveryStore,
        replier: WebhookReplier,
        clock: any ReplayClock,
        discordAPIURL: String
    ) {
        let fixed = WebhookDoorConfig(sources: sources, directory: directory)
        self.init(
            live: { fixed },
            pipeline: pipeline,
            deliveries: deliveries,
            replier: replier,
            clock: clock,
            discordAPIURL: discordAPIURL
        )
    }

    /// Creates a door whose sources and directory are asked for at each delivery (`live`), so that a config
    /// reload adds, removes or re-keys sources without a restart; a delivery in progress keeps what it read.
    public init(
        live: @escaping @Sendable () -> WebhookDoorConfig,
        pipeline: ReplayPipeline,
        deliveries: any WebhookDeliveryStore,
        replier: WebhookReplier,
        clock: any ReplayClock,
        discordAPIURL: String
    ) {
        self.live = live
        self.pipeline = pipeline
        self.deliveries = deliveries
        self.replier = replier
        self.clock = clock
        self.discordAPIURL = discordAPIURL
    }

    var auditor: ReplayAuditor { pipeline.auditor }

    public func servesSource(_ name: String) -> Bool? {
        live().sources[name] != nil
    }

    public func handle(_ request: WebhookHTTPRequest) async -> WebhookHTTPResponse {
        let started = clock.monotonicNow()
        let (response, kind) = await answer(request)
        if let kind {
            auditor.metrics?.webhookAck(
                kind: kind.rawValue,
                after: clock.monotonicNow() - started,
                deadline: kind.ackDeadline
            )
        }
        return response
    }

    /// The answer to `request`, and the kind of its source when it has one.
    private func answer(_ request: WebhookHTTPRequest) async -> (WebhookHTTPResponse, WebhookSourceKind?) {
        let config = live()
        guard let source = config.sources[request.source] else {
            let notFound = Self.error(
                404,
                "not_found",
                "no webhook source is named \(request.source)",
                requestID: request.requestID
            )
            return (notFound, nil)
        }
        var logger = request.logger
        logger[metadataKey: "kind"] = "\(source.kind.rawValue)"
        let now = clock.wallNowMilliseconds()
        let verification: WebhookVerification
        do {
            verification = try source.verifier.verify(
                WebhookDelivery(headers: Array(request.headers), body: request.body),
                now: now / 1000
            )
        } catch {
            logger.notice("webhook signature rejected", metadata: ["reason": "\(error.code.rawValue)"])
            await auditor.denied(
                door: Self.door(source.kind).rawValue,
                source: source.name,
                actor: AuditRecord.Actor(kind: "webhook", auth: "client \(request.clientAddress)"),
                requestID: request.requestID,
                runID: nil,
                reason: "signature \(error.code.rawValue): \(error.message)"
            )
            let refused = Self.error(
                401,
                "unauthorized",
                "signature verification failed (\(error.code.rawValue))",
                requestID: request.requestID,
                verificationFailed: true
            )
            return (refused, source.kind)
        }
        logger[metadataKey: "key_id"] = "\(verification.keyID)"
        if let signed = verification.signedTimestamp {
            auditor.metrics?.senderClockSkew(kind: source.kind.rawValue, seconds: now / 1000 - signed)
        }
        let context = WebhookContext(
            source: source,
            request: request,
            verification: verification,
            receivedAt: now,
            directory: config.directory,
            logger: logger
        )
        let response: WebhookHTTPResponse
        switch source.kind {
        case .slack: response = await slack(context)
        case .discord: response = await discord(context)
        case .github: response = await github(context)
        case .standardWebhooks: response = await standardWebhook(context)
        case .strait: response = await straitNotification(context)
        }
        return (response, source.kind)
    }

    // MARK: Shared steps

    /// Audits a verified delivery durably. `nil` when it was recorded; otherwise the 503 to answer.
    func auditVerified(
        _ context: WebhookContext,
        deliveryID: String?,
        decision: String,
        reason: String? = nil,
        runID: String? = nil,
        actor: AuditRecord.Actor? = nil
    ) async -> WebhookHTTPResponse? {
        let record = verifiedRecord(
            context,
            deliveryID: deliveryID,
            decision: decision,
            reason: reason,
            runID: runID,
            actor: actor
        )
        return await refusal(unlessDurable: auditor.append(record), context)
    }

    /// `nil` once the record behind `receipt` is durable; otherwise the 503 to answer.
    func refusal(unlessDurable receipt: AuditReceipt, _ context: WebhookContext) async -> WebhookHTTPResponse? {
        do {
            try await receipt.durable()
            return nil
        } catch {
            context.logger.error("audit log cannot record a webhook; refusing it", metadata: ["error": "\(error)"])
            return Self.error(
                503,
                "audit_unavailable",
                "replayd's audit log cannot record the delivery (\(error.code.rawValue)); nothing was done",
                requestID: context.request.requestID,
                headers: ["Retry-After": "30"]
            )
        }
    }

    /// The `verified` record of a delivery: the key that matched, the scheme, the body's digest and the decision.
    func verifiedRecord(
        _ context: WebhookContext,
        deliveryID: String?,
        decision: String,
        reason: String? = nil,
        runID: String? = nil,
        actor: AuditRecord.Actor? = nil
    ) -> AuditRecord {
        auditor.webhookRecord(
            stage: "verified",
            door: Self.door(context.source.kind),
            source: context.source.name,
            actor: actor ?? AuditRecord.Actor(kind: "webhook", auth: "client \(context.request.clientAddress)"),
            requestID: context.request.requestID,
            deliveryID: deliveryID,
            runID: runID,
            decision: decision,
            reason: reason,
            body: context.request.body,
            details: [
                ("key_id", .string(context.verification.keyID)),
                ("scheme", .string(context.verification.scheme)),
            ]
        )
    }

    /// Runs `work` once per delivery identity: the first caller does it and stores the answer; a duplicate (even
    /// one arriving while the first is still at work) gets the stored answer's exact bytes.
    ///
    /// `work` returns the answer and the reply owed after it, or `nil` with a response that must not be stored
    /// (replayd could not accept the delivery: the sender should retry).
    func deduplicated(
        _ delivery: DeliveryID,
        _ context: WebhookContext,
        work: () async -> DeliveryWork
    ) async -> WebhookHTTPResponse {
        while true {
            let (signal, isLeader) = inFlight.withLock { map -> (CompletionSignal, Bool) in
                if let existing = map[delivery] { return (existing, false) }
                let signal = CompletionSignal()
                map[delivery] = signal
                return (signal, true)
            }
            if !isLeader {
                _ = await signal.wait()
                continue
            }
            defer {
                _ = inFlight.withLock { $0.removeValue(forKey: delivery) }
                signal.fire()
            }
            let claim: DeliveryClaim
            do {
                claim = try await deliveries.claimDelivery(delivery, at: context.receivedAt)
            } catch {
                context.logger.error("delivery store unavailable", metadata: ["error": "\(error)"])
                return Self.error(
                    503,
                    "unavailable",
                    "replayd's state store is unavailable; nothing was done",
                    requestID: context.request.requestID
                )
            }
            if case .answered(let answer) = claim {
                context.logger.info("duplicate delivery answered as before")
                try? await auditor.record(
                    auditor.webhookRecord(
                        stage: "duplicate",
                        door: Self.door(context.source.kind),
                        source: context.source.name,
                        actor: nil,
                        requestID: context.request.requestID,
                        deliveryID: delivery.id,
                        decision: "answered_as_before",
                        body: context.request.body
                    )
                )
                return Self.response(answer)
            }
            switch await work() {
            case .answer(let answer, let reply):
                do {
                    try await deliveries.answerDelivery(delivery, answer: answer, reply: reply)
                } catch {
                    context.logger.error("could not store a webhook answer", metadata: ["error": "\(error)"])
                }
                if let reply {
                    replier.watch(reply)
                }
                return Self.response(answer)
            case .refuse(let response):
                try? await deliveries.releaseDelivery(delivery)
                return response
            }
        }
    }

    /// Submits one replay for `principal`, answering as soon as it is durably accepted.
    ///
    /// - Throws: the `ReplayError` when replayd itself could not take the request (a 503: its audit log or state
    ///   store, or the circuit breaker), so a sender that retries should be told to.
    func submit(
        _ command: (runID: String, fromCheckpoint: Int?, force: Bool),
        key: String,
        principal: Principal,
        context: WebhookContext,
        channel: String? = nil
    ) async throws(ReplayError) -> ReplayOutcomeSummary {
        let request: ReplayRequest
        do throws(StraitInputError) {
            var checkpoint: CheckpointSequence?
            if let fromCheckpoint = command.fromCheckpoint {
                checkpoint = try CheckpointSequence(Int64(fromCheckpoint))
            }
            request = ReplayRequest(
                runID: try RunID(command.runID),
                fromCheckpoint: checkpoint,
                idempotencyKey: key,
                keySource: .derived,
                force: command.force,
                origin: RequestOrigin(
                    door: Self.door(context.source.kind),
                    requestID: context.request.requestID,
                    source: context.source.name,
                    channel: channel
                )
            )
        } catch {
            return ReplayOutcomeSummary(
                runID: command.runID,
                state: .failed,
                errorCode: "invalid_request",
                errorMessage: error.message,
                key: key
            )
        }
        var logger = context.logger
        logger[metadataKey: "principal"] = "\(principal.name)"
        let submission = await pipeline.execute(request, principal: principal, logger: logger, wait: .zero)
        if case .rejected(let error) = submission, error.code.status == 503 {
            throw error
        }
        return Self.summary(submission, runID: command.runID, key: key)
    }

    // MARK: Answers

    static func door(_ kind: WebhookSourceKind) -> RequestOrigin.Door {
        switch kind {
        case .slack: .slack
        case .discord: .discord
        case .github: .github
        case .standardWebhooks: .standardWebhooks
        case .strait: .strait
        }
    }

    static func response(_ answer: DeliveryAnswer) -> WebhookHTTPResponse {
        WebhookHTTPResponse(
            status: answer.status,
            headers: ["Content-Type": answer.contentType],
            body: answer.body
        )
    }

    static func error(
        _ status: Int,
        _ code: String,
        _ message: String,
        requestID: String?,
        headers: HTTPHeaders = [:],
        verificationFailed: Bool = false
    ) -> WebhookHTTPResponse {
        let envelope = ErrorEnvelope.response(status: status, code: code, message: message, requestID: requestID)
        var allHeaders = envelope.headers
        allHeaders.add(contentsOf: headers)
        return WebhookHTTPResponse(
            status: status,
            headers: allHeaders,
            body: envelope.body,
            verificationFailed: verificationFailed
        )
    }
}

/// What a delivery's handler decided: an answer to store (with the reply owed after it), or a refusal that is not
/// stored so the sender's retry is handled afresh.
enum DeliveryWork: Sendable {
    case answer(DeliveryAnswer, PendingReply?)
    case refuse(WebhookHTTPResponse)
}

/// One verified request on its way through the door.
struct WebhookContext: Sendable {
    var source: WebhookSource
    var request: WebhookHTTPRequest
    var verification: WebhookVerification
    /// Unix milliseconds.
    var receivedAt: Int64
    /// The principal directory in force when the delivery arrived.
    var directory: PrincipalDirectory
    var logger: Logger
}

import Audit
import ReplayCore
import Synchronization
import Webhooks

/// GitHub comments, Standard Webhooks and Strait notifications: answered with a 2xx as soon as the request is
/// durably accepted.
extension WebhookDoor {
    func github(_ context: WebhookContext) async -> WebhookHTTPResponse {
        let event: GitHubEvent
        do {
            event = try GitHubEvent.parse(headers: Array(context.request.headers), body: context.request.body)
        } catch {
            return await invalidPayload(context, error)
        }
        let comment: GitHubIssueComment
        switch event.kind {
        case .ping:
            if let refusal = await auditVerified(context, deliveryID: event.deliveryID, decision: "handshake") {
                return refusal
            }
            return .json(200, WebhookAnswer.pong(delivery: event.deliveryID).rendered())
        case .ignored(let reason):
            if let refusal = await auditVerified(
                context,
                deliveryID: event.deliveryID,
                decision: "ignored",
                reason: reason
            ) {
                return refusal
            }
            return .json(
                200,
                WebhookAnswer.ignored(delivery: event.deliveryID, code: "not_acted_on", message: reason).rendered()
            )
        case .issueComment(let issueComment):
            comment = issueComment
        }
        let delivery = DeliveryID(source: context.source.name, id: event.deliveryID)
        return await deduplicated(delivery, context) {
            let sender = SenderIdentity.github(login: comment.author)
            let principal = context.directory.principal(for: sender, source: context.source.name)
            let actor = AuditRecord.Actor(kind: "webhook", principal: principal?.name, auth: sender.description)
            let commands: [ReplayCommand]
            do throws(WebhookPayloadError) {
                commands = try comment.replayCommands()
            } catch {
                if let refusal = await auditVerified(
                    context,
                    deliveryID: delivery.id,
                    decision: "invalid",
                    reason: error.message,
                    actor: actor
                ) {
                    return .refuse(refusal)
                }
                return .answer(Self.json(400, WebhookAnswer.invalid(delivery: delivery.id, error: error)), nil)
            }
            if commands.isEmpty {
                if let refusal = await auditVerified(
                    context,
                    deliveryID: delivery.id,
                    decision: "ignored",
                    reason: "no /replay line",
                    actor: actor
                ) {
                    return .refuse(refusal)
                }
                let answer = WebhookAnswer.ignored(
                    delivery: delivery.id,
                    code: "no_command",
                    message: "the comment has no /replay line"
                )
                return .answer(Self.json(200, answer), nil)
            }
            if let refusal = await auditVerified(
                context,
                deliveryID: delivery.id,
                decision: principal == nil ? "denied" : "accepted",
                reason: principal == nil ? "unmapped sender" : "\(commands.count) command(s)",
                actor: actor
            ) {
                return .refuse(refusal)
            }
            guard let principal else {
                await auditor.denied(
                    door: Self.door(context.source.kind).rawValue,
                    source: context.source.name,
                    actor: actor,
                    requestID: context.request.requestID,
                    runID: nil,
                    reason: "unmapped_sender: \(sender)"
                )
                let answer = WebhookAnswer.denied(
                    delivery: delivery.id,
                    code: "unmapped_sender",
                    message: "GitHub user \(comment.author) is not mapped to a replayd principal; ask an operator "
                        + "to add them to github_logins"
                )
                return .answer(Self.json(200, answer), nil)
            }
            var summaries: [ReplayOutcomeSummary] = []
            for (index, command) in commands.enumerated() {
                guard case .replay(let runID, let fromCheckpoint, let force) = command else { continue }
                let key = commands.count == 1 ? delivery.idempotencyKey : "\(delivery.idempotencyKey):\(index + 1)"
                do throws(ReplayError) {
                    summaries.append(
                        try await submit(
                            (runID, fromCheckpoint, force),
                            key: key,
                            principal: principal,
                            context: context,
                            channel: comment.repository
                        )
                    )
                } catch {
                    return .refuse(Self.unavailable(error, requestID: context.request.requestID))
                }
            }
            return .answer(Self.answer(delivery, summaries), nil)
        }
    }

    func standardWebhook(_ context: WebhookContext) async -> WebhookHTTPResponse {
        let payload: StandardWebhookPayload
        do {
            payload = try StandardWebhookPayload.parse(
                headers: Array(context.request.headers),
                body: context.request.body,
                mapping: context.source.mapping
            )
        } catch {
            return await invalidPayload(context, error)
        }
        let delivery = DeliveryID(source: context.source.name, id: payload.deliveryID)
        return await deduplicated(delivery, context) {
            let principal = servicePrincipal(context)
            // Queued ahead of the replay's `received` record, which the engine makes durable before anything is
            // sent: the two share one sync point. The delivery is answered only once this one is durable too.
            let verified = auditor.append(
                verifiedRecord(
                    context,
                    deliveryID: delivery.id,
                    decision: "accepted",
                    runID: payload.runID,
                    actor: AuditRecord.Actor(kind: "webhook", principal: principal.name, auth: "service")
                )
            )
            let summary: ReplayOutcomeSummary
            do throws(ReplayError) {
                summary = try await submit(
                    (payload.runID, payload.fromCheckpoint, false),
                    key: delivery.idempotencyKey,
                    principal: principal,
                    context: context
                )
            } catch {
                return .refuse(Self.unavailable(error, requestID: context.request.requestID))
            }
            if let refusal = await refusal(unlessDurable: verified, context) { return .refuse(refusal) }
            return .answer(Self.answer(delivery, [summary]), nil)
        }
    }

    func straitNotification(_ context: WebhookContext) async -> WebhookHTTPResponse {
        let notification: StraitRunNotification
        do {
            notification = try StraitRunNotification.parse(
                headers: Array(context.request.headers),
                body: context.request.body
            )
        } catch {
            return await invalidPayload(context, error)
        }
        let delivery = DeliveryID(source: context.source.name, id: notification.deliveryID)
        return await deduplicated(delivery, context) {
            let principal = servicePrincipal(context)
            let actor = AuditRecord.Actor(kind: "webhook", principal: principal.name, auth: "service")
            guard let policy = context.source.autoReplay else {
                return await skipped(
                    context,
                    delivery,
                    notification,
                    actor,
                    "auto_replay_disabled",
                    "auto_replay is off"
                )
            }
            let decision = Mutex<AutoReplayDecision?>(nil)
            let original: String
            let reserved: Bool
            do {
                original = try await deliveries.originalRun(of: notification.runID)
                let now = context.receivedAt / 1000
                reserved = try await deliveries.reserveAutomaticReplay(
                    source: context.source.name,
                    originalRunID: original,
                    at: now
                ) { count, lastAt in
                    let history = AutoReplayHistory(
                        originalRunID: original,
                        automaticReplays: count,
                        lastReplayAt: lastAt
                    )
                    let made = policy.decide(notification, history: history, now: now)
                    decision.withLock { $0 = made }
                    return made.isReplay
                }
            } catch {
                return .refuse(
                    Self.error(
                        503,
                        "unavailable",
                        "replayd's state store is unavailable; nothing was done",
                        requestID: context.request.requestID
                    )
                )
            }
            guard reserved else {
                let reason = decision.withLock { value -> AutoReplaySkipReason? in
                    if case .skip(let reason) = value { return reason }
                    return nil
                }
                return await skipped(
                    context,
                    delivery,
                    notification,
                    actor,
                    reason?.code.rawValue ?? "skipped",
                    reason?.message ?? "the policy skipped it"
                )
            }
            if let refusal = await auditVerified(
                context,
                deliveryID: delivery.id,
                decision: "accepted",
                reason: "auto-replay of original run \(original)",
                runID: notification.runID,
                actor: actor
            ) {
                try? await deliveries.releaseAutomaticReplay(source: context.source.name, originalRunID: original)
                return .refuse(refusal)
            }
            let summary: ReplayOutcomeSummary
            do throws(ReplayError) {
                summary = try await submit(
                    (notification.runID, nil, false),
                    key: delivery.idempotencyKey,
                    principal: principal,
                    context: context
                )
            } catch {
                try? await deliveries.releaseAutomaticReplay(source: context.source.name, originalRunID: original)
                return .refuse(Self.unavailable(error, requestID: context.request.requestID))
            }
            let reply = PendingReply(
                delivery: delivery,
                kind: .lineage,
                record: ReplayRecordID(principal: principal.name, key: delivery.idempotencyKey),
                runID: original,
                destination: nil,
                notAfter: context.receivedAt + 24 * 3_600_000
            )
            return .answer(Self.answer(delivery, [summary]), summary.state == .failed ? nil : reply)
        }
    }

    private func skipped(
        _ context: WebhookContext,
        _ delivery: DeliveryID,
        _ notification: StraitRunNotification,
        _ actor: AuditRecord.Actor,
        _ code: String,
        _ message: String
    ) async -> DeliveryWork {
        context.logger.info("notification not replayed", metadata: ["reason": "\(code)"])
        if let refusal = await auditVerified(
            context,
            deliveryID: delivery.id,
            decision: "ignored",
            reason: "\(code): \(message)",
            runID: notification.runID,
            actor: actor
        ) {
            return .refuse(refusal)
        }
        return .answer(
            Self.json(200, WebhookAnswer.ignored(delivery: delivery.id, code: code, message: message)),
            nil
        )
    }

    private func servicePrincipal(_ context: WebhookContext) -> Principal {
        Principal(
            name: context.source.servicePrincipal ?? context.source.name,
            authentication: .webhook(source: context.source.name, matchedBy: "service")
        )
    }

    /// 202 `accepted` when at least one replay was accepted; 200 `denied` with the first refusal's reason when
    /// every replay was refused before anything was sent (a 4xx would only make the sender retry in vain).
    static func answer(_ delivery: DeliveryID, _ summaries: [ReplayOutcomeSummary]) -> DeliveryAnswer {
        if let refusal = summaries.first, summaries.allSatisfy({ $0.state == .failed }) {
            let answer = WebhookAnswer(
                status: .denied,
                delivery: delivery.id,
                message: summaries.count == 1 ? "the replay was refused" : "every replay was refused",
                reason: (refusal.errorCode ?? "refused", refusal.errorMessage ?? "refused"),
                replays: summaries
            )
            return json(200, answer)
        }
        return json(202, WebhookAnswer.accepted(delivery: delivery.id, replays: summaries))
    }

    static func json(_ status: Int, _ answer: WebhookAnswer) -> DeliveryAnswer {
        DeliveryAnswer(status: status, contentType: "application/json", body: answer.rendered())
    }

    /// The 503 for a request replayd itself could not take: the sender should retry.
    static func unavailable(_ refusal: ReplayError, requestID: String?) -> WebhookHTTPResponse {
        error(503, refusal.code.rawValue, refusal.message, requestID: requestID, headers: ["Retry-After": "30"])
    }
}

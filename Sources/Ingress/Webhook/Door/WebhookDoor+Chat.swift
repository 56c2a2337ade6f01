import Audit
import ReplayCore
import Webhooks

/// Slack and Discord: slash commands answered within 3 s, outcomes posted afterwards.
extension WebhookDoor {
    /// How long Slack accepts posts to a `response_url`.
    static let slackReplyWindow: Int64 = 30 * 60 * 1000
    /// How long a Discord interaction token accepts follow-ups.
    static let discordReplyWindow: Int64 = 15 * 60 * 1000

    func slack(_ context: WebhookContext) async -> WebhookHTTPResponse {
        let parsed: SlackRequest
        do {
            parsed = try SlackRequest.parse(context.request.body)
        } catch {
            return await invalidPayload(context, error)
        }
        let command: SlackSlashCommand
        switch parsed {
        case .urlVerification(let challenge):
            if let refusal = await auditVerified(context, deliveryID: nil, decision: "handshake") { return refusal }
            return .json(200, SlackRenderer.challenge(challenge))
        case .slashCommand(let slashCommand):
            command = slashCommand
        }
        let delivery = DeliveryID(source: context.source.name, id: command.deliveryID)
        return await deduplicated(delivery, context) {
            await chatCommand(
                context,
                delivery: delivery,
                sender: .slack(team: command.teamID, user: command.userID),
                channel: command.channelID,
                identity: command.identity,
                parse: { () throws(WebhookPayloadError) in try command.replayCommand() },
                render: ChatRendering.slack(command: command.command),
                reply: { record, runID in
                    PendingReply(
                        delivery: delivery,
                        kind: .slack,
                        record: record,
                        runID: runID,
                        destination: command.responseURL,
                        notAfter: context.receivedAt + Self.slackReplyWindow
                    )
                }
            )
        }
    }

    func discord(_ context: WebhookContext) async -> WebhookHTTPResponse {
        let interaction: DiscordInteraction
        do {
            interaction = try DiscordInteraction.parse(context.request.body)
        } catch {
            return await invalidPayload(context, error)
        }
        if interaction.kind == .ping {
            if let refusal = await auditVerified(context, deliveryID: interaction.deliveryID, decision: "handshake") {
                return refusal
            }
            return .json(200, DiscordRenderer.pong())
        }
        let delivery = DeliveryID(source: context.source.name, id: interaction.deliveryID)
        let sender: SenderIdentity? =
            if let guild = interaction.guildID, let user = interaction.userID {
                .discord(guild: guild, user: user)
            } else {
                nil
            }
        let apiURL = discordAPIURL
        return await deduplicated(delivery, context) {
            await chatCommand(
                context,
                delivery: delivery,
                sender: sender,
                channel: interaction.channelID,
                identity: interaction.identity ?? "(no guild: direct messages are not mapped)",
                parse: { () throws(WebhookPayloadError) in try interaction.replayCommand() },
                render: ChatRendering.discord,
                reply: { record, runID in
                    PendingReply(
                        delivery: delivery,
                        kind: .discord,
                        record: record,
                        runID: runID,
                        destination: "\(apiURL)/webhooks/\(interaction.applicationID)/\(interaction.token)",
                        notAfter: context.receivedAt + Self.discordReplyWindow
                    )
                }
            )
        }
    }

    /// The shared slash-command flow: audit, identity, command, replay, ack.
    private func chatCommand(
        _ context: WebhookContext,
        delivery: DeliveryID,
        sender: SenderIdentity?,
        channel: String?,
        identity: String,
        parse: () throws(WebhookPayloadError) -> ReplayCommand,
        render: ChatRendering,
        reply: (ReplayRecordID, String) -> PendingReply
    ) async -> DeliveryWork {
        let principal = sender.flatMap { context.directory.principal(for: $0, source: context.source.name) }
        let actor = AuditRecord.Actor(
            kind: "webhook",
            principal: principal?.name,
            auth: sender?.description ?? identity
        )
        if let refusal = await auditVerified(
            context,
            deliveryID: delivery.id,
            decision: principal == nil ? "denied" : "accepted",
            reason: principal == nil ? "unmapped sender" : nil,
            actor: actor
        ) {
            return .refuse(refusal)
        }
        guard let principal else {
            context.logger.notice("unmapped chat user denied", metadata: ["sender": "\(identity)"])
            await auditor.denied(
                door: Self.door(context.source.kind).rawValue,
                source: context.source.name,
                actor: actor,
                requestID: context.request.requestID,
                runID: nil,
                reason: "unmapped_sender: \(sender?.description ?? identity)"
            )
            return .answer(render.answer(render.notMapped(identity)), nil)
        }
        let command: ReplayCommand
        do {
            command = try parse()
        } catch {
            return .answer(render.answer(render.invalid(error)), nil)
        }
        switch command {
        case .help:
            return .answer(render.answer(render.help()), nil)
        case .status(let key):
            let summary: ReplayOutcomeSummary
            do {
                let door = Self.door(context.source.kind)
                guard let record = try await pipeline.record(key: key, for: principal, door: door) else {
                    return .answer(render.answer(render.denied("no replay of yours has the key \(key)")), nil)
                }
                summary = Self.summary(record)
            } catch {
                return .refuse(
                    Self.error(
                        503,
                        "unavailable",
                        "replayd's state store is unavailable",
                        requestID: context.request.requestID
                    )
                )
            }
            return .answer(render.answer(render.outcome(summary)), nil)
        case .replay(let runID, let fromCheckpoint, let force):
            let key = delivery.idempotencyKey
            let summary: ReplayOutcomeSummary
            do throws(ReplayError) {
                summary = try await submit(
                    (runID, fromCheckpoint, force),
                    key: key,
                    principal: principal,
                    context: context,
                    channel: channel
                )
            } catch {
                // Slack and Discord do not retry a slash command: tell the user now.
                summary = Self.summary(.rejected(error), runID: runID, key: key)
            }
            if summary.state == .failed {
                // Refused before anything was sent (bad input, policy, replayd unavailable): say so now; there is
                // nothing to follow up.
                return .answer(render.answer(render.outcome(summary)), nil)
            }
            if summary.state == .pending, summary.errorCode == ReplayError.Code.paused.rawValue {
                // Held by `replayctl pause`: say so now; the outcome follows once replays resume.
                return .answer(
                    render.answer(render.outcome(summary)),
                    reply(ReplayRecordID(principal: principal.name, key: key), runID)
                )
            }
            return .answer(
                render.answer(render.ack(command)),
                reply(ReplayRecordID(principal: principal.name, key: key), runID)
            )
        }
    }

    /// A verified body that cannot be read: audited, answered 400 (not stored: nothing was claimed).
    func invalidPayload(_ context: WebhookContext, _ error: WebhookPayloadError) async -> WebhookHTTPResponse {
        context.logger.notice("webhook payload invalid", metadata: ["error": "\(error.message)"])
        if let refusal = await auditVerified(
            context,
            deliveryID: nil,
            decision: "invalid",
            reason: "\(error.code.rawValue): \(error.message)"
        ) {
            return refusal
        }
        return .json(400, WebhookAnswer.invalid(delivery: nil, error: error).rendered())
    }
}

/// How Slack and Discord show each kind of answer.
struct ChatRendering: Sendable {
    var ack: @Sendable (ReplayCommand) -> [UInt8]
    var help: @Sendable () -> [UInt8]
    var notMapped: @Sendable (String) -> [UInt8]
    var denied: @Sendable (String) -> [UInt8]
    var invalid: @Sendable (WebhookPayloadError) -> [UInt8]
    var outcome: @Sendable (ReplayOutcomeSummary) -> [UInt8]

    func answer(_ body: [UInt8]) -> DeliveryAnswer {
        DeliveryAnswer(status: 200, contentType: "application/json", body: body)
    }

    static func slack(command: String) -> ChatRendering {
        ChatRendering(
            ack: { SlackRenderer.ack($0) },
            help: { SlackRenderer.help(command: command) },
            notMapped: { SlackRenderer.notMapped(identity: $0) },
            denied: { SlackRenderer.denied(reason: $0) },
            invalid: { SlackRenderer.invalidCommand($0, command: command) },
            outcome: { SlackRenderer.finalMessage($0) }
        )
    }

    static let discord = ChatRendering(
        ack: { _ in DiscordRenderer.deferredEphemeral() },
        help: { DiscordRenderer.help() },
        notMapped: { DiscordRenderer.notMapped(identity: $0) },
        denied: { DiscordRenderer.denied(reason: $0) },
        invalid: { DiscordRenderer.invalidCommand($0) },
        outcome: { DiscordRenderer.outcome($0) }
    )
}

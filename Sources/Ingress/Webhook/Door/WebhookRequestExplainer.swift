import ReplayCore
import Strait
import Webhooks

/// Explains a captured webhook request offline (`replayd explain --request FILE`): which source its path names,
/// whether its signature verifies and with which key (by id and keyring position, never the secret), whether its
/// timestamp is inside the tolerance at `now`, the sender and the principal it maps to, the command, and the
/// replay request it would become. It uses the door's own verifiers and parsers and has no side effects: no dedup
/// claim, no audit record, no store, no network.
public struct WebhookRequestExplainer: Sendable {
    private let configs: [String: WebhookSourceConfig]
    private let directory: PrincipalDirectory
    private let tolerance: Duration

    /// Creates the explainer from the config's `[[sources]]` (secrets loaded), principals and tolerance.
    public init(sources: [WebhookSourceConfig], directory: PrincipalDirectory, tolerance: Duration) {
        self.configs = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.directory = directory
        self.tolerance = tolerance
    }

    /// Explains `request` as the listener would take it at `now` (unix seconds).
    public func explain(_ request: CapturedHTTPRequest, now: Int64) -> WebhookRequestExplanation {
        var explanation = WebhookRequestExplanation()
        explanation.add("request", "\(request.method) \(request.target) (\(request.body.count) bytes of body)")
        guard request.method == "POST" else {
            return explanation.refused("webhooks are POSTed; the listener answers \(request.method) with 405")
        }
        guard let name = WebhookListenerDoor.source(inURI: request.target) else {
            return explanation.refused("\(request.target) is not /hooks/<source>: the listener answers 404")
        }
        guard let config = configs[name] else {
            let known = configs.keys.sorted().joined(separator: ", ")
            return explanation.refused(
                "no [[sources]] is named \(name) (configured: \(known.isEmpty ? "none" : known))"
            )
        }
        explanation.add("source", "\(name) (\(config.kind.rawValue))")
        let strict: WebhookSource
        let lenient: WebhookSource
        do {
            strict = try WebhookSource(config: config, tolerance: tolerance)
            // The same keyring with an unbounded window: it tells a good signature on an old capture from a bad one.
            lenient = try WebhookSource(config: config, tolerance: .seconds(Int64(1) << 40))
        } catch {
            return explanation.refused("the source cannot be served: \(error.message)")
        }
        let delivery = WebhookDelivery(headers: request.headers, body: request.body)
        let verification: WebhookVerification
        do {
            verification = try strict.verifier.verify(delivery, now: now)
        } catch {
            if error.code == .staleTimestamp, let good = try? lenient.verifier.verify(delivery, now: now) {
                explanation.add("signature", "valid: \(Self.describe(good, config))")
                explanation.add("timestamp", Self.window(good, now: now, tolerance: tolerance, ok: false))
                return explanation.refused(
                    "stale_timestamp: the signature is good but the signed time is outside the tolerance at --now; "
                        + "the listener answers 401 (pass --now to explain an old capture)"
                )
            }
            explanation.add("signature", "refused: \(error.code.rawValue): \(error.message)")
            return explanation.refused("signature \(error.code.rawValue): the listener answers 401 unauthorized")
        }
        explanation.add("signature", "valid: \(Self.describe(verification, config))")
        if verification.signedTimestamp != nil {
            explanation.add("timestamp", Self.window(verification, now: now, tolerance: tolerance, ok: true))
        }
        explanation.add(
            "dedup",
            "not checked offline (no claim is made): a delivery replayd has already answered gets that answer again"
        )
        do throws(WebhookPayloadError) {
            switch config.kind {
            case .slack: try slack(request, source: strict, into: &explanation)
            case .discord: try discord(request, source: strict, into: &explanation)
            case .github: try github(request, source: strict, into: &explanation)
            case .standardWebhooks: try standardWebhook(request, source: strict, into: &explanation)
            case .strait: try strait(request, source: strict, into: &explanation)
            }
        } catch {
            explanation.add("payload", "invalid: \(error.code.rawValue): \(error.message)")
            return explanation.refused("the payload is invalid: the door answers it without replaying anything")
        }
        return explanation
    }

    // MARK: Kinds

    private func slack(
        _ request: CapturedHTTPRequest,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) throws(WebhookPayloadError) {
        switch try SlackRequest.parse(request.body) {
        case .urlVerification:
            explanation.add("payload", "url_verification handshake: answered 200 with the challenge")
            explanation.verdict = "would be accepted (handshake)"
        case .slashCommand(let command):
            explanation.add("payload", "slash command \(command.command) \"\(command.text)\"")
            try chat(
                sender: .slack(team: command.teamID, user: command.userID),
                identity: command.identity,
                delivery: DeliveryID(source: source.name, id: command.deliveryID),
                parse: { () throws(WebhookPayloadError) in try command.replayCommand() },
                source: source,
                into: &explanation
            )
        }
    }

    private func discord(
        _ request: CapturedHTTPRequest,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) throws(WebhookPayloadError) {
        let interaction = try DiscordInteraction.parse(request.body)
        if interaction.kind == .ping {
            explanation.add("payload", "PING: answered 200 with PONG")
            explanation.verdict = "would be accepted (handshake)"
            return
        }
        explanation.add("payload", "interaction \(interaction.id) /\(interaction.commandName ?? "?")")
        let sender: SenderIdentity? = interaction.guildID.flatMap { guild in
            interaction.userID.map { .discord(guild: guild, user: $0) }
        }
        try chat(
            sender: sender,
            identity: interaction.identity ?? "(no guild: direct messages are not mapped)",
            delivery: DeliveryID(source: source.name, id: interaction.deliveryID),
            parse: { () throws(WebhookPayloadError) in try interaction.replayCommand() },
            source: source,
            into: &explanation
        )
    }

    private func github(
        _ request: CapturedHTTPRequest,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) throws(WebhookPayloadError) {
        let event = try GitHubEvent.parse(headers: request.headers, body: request.body)
        switch event.kind {
        case .ping:
            explanation.add("payload", "ping: answered 200")
            explanation.verdict = "would be accepted (handshake)"
        case .ignored(let reason):
            explanation.add("payload", "\(event.event): ignored (\(reason))")
            explanation.verdict = "would be accepted and ignored"
        case .issueComment(let comment):
            explanation.add("payload", "comment by \(comment.author) on \(comment.repository)#\(comment.issueNumber)")
            let commands = try comment.replayCommands()
            let delivery = DeliveryID(source: source.name, id: event.deliveryID)
            guard !commands.isEmpty else {
                explanation.add("command", "none: the comment has no /replay line")
                explanation.verdict = "would be accepted and ignored (no /replay line)"
                return
            }
            let sender = SenderIdentity.github(login: comment.author)
            guard let principal = mappedPrincipal(sender, source: source, into: &explanation) else { return }
            for (index, command) in commands.enumerated() {
                let key = commands.count == 1 ? delivery.idempotencyKey : "\(delivery.idempotencyKey):\(index + 1)"
                replay(command, key: key, principal: principal, source: source, into: &explanation)
            }
        }
    }

    private func standardWebhook(
        _ request: CapturedHTTPRequest,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) throws(WebhookPayloadError) {
        let payload = try StandardWebhookPayload.parse(
            headers: request.headers,
            body: request.body,
            mapping: source.mapping
        )
        explanation.add("payload", "message \(payload.messageID) (\(payload.eventType ?? "no type"))")
        let principal = servicePrincipal(source)
        explanation.add("sender", "the source's service principal → \(principal.name)")
        replay(
            payload.replayCommand,
            key: DeliveryID(source: source.name, id: payload.deliveryID).idempotencyKey,
            principal: principal,
            source: source,
            into: &explanation
        )
    }

    private func strait(
        _ request: CapturedHTTPRequest,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) throws(WebhookPayloadError) {
        let notification = try StraitRunNotification.parse(headers: request.headers, body: request.body)
        explanation.add("payload", "run \(notification.runID) is \(notification.status)")
        let principal = servicePrincipal(source)
        explanation.add("sender", "the source's service principal → \(principal.name)")
        guard source.autoReplay != nil else {
            explanation.add("command", "none: auto_replay is off for this source")
            explanation.verdict = "would be accepted and skipped (auto_replay off)"
            return
        }
        explanation.add(
            "command",
            "auto-replay of run \(notification.runID) if its policy allows (the per-run budget and cooldown need the "
                + "state store, which an offline explain does not read)"
        )
    }

    // MARK: Shared steps

    private func chat(
        sender: SenderIdentity?,
        identity: String,
        delivery: DeliveryID,
        parse: () throws(WebhookPayloadError) -> ReplayCommand,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) throws(WebhookPayloadError) {
        // As in the door: the sender is mapped first, then the command is parsed.
        guard let sender else {
            explanation.add("sender", identity)
            explanation.refuse("unmapped_sender: \(identity) maps to no principal; the door answers with a denial")
            return
        }
        guard let principal = mappedPrincipal(sender, source: source, into: &explanation) else { return }
        replay(try parse(), key: delivery.idempotencyKey, principal: principal, source: source, into: &explanation)
    }

    private func mappedPrincipal(
        _ sender: SenderIdentity,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) -> Principal? {
        guard let principal = directory.principal(for: sender, source: source.name) else {
            explanation.add("sender", "\(sender) → no principal")
            explanation.refuse(
                "unmapped_sender: \(sender) is in no [[principals]]; the door answers with a denial and replays nothing"
            )
            return nil
        }
        explanation.add("sender", "\(sender) → principal \(principal.name)")
        return principal
    }

    private func replay(
        _ command: ReplayCommand,
        key: String,
        principal: Principal,
        source: WebhookSource,
        into explanation: inout WebhookRequestExplanation
    ) {
        switch command {
        case .help:
            explanation.add("command", "help: answered with the usage, nothing replayed")
        case .status(let key):
            explanation.add("command", "status of \(key): answered from the store, nothing replayed")
        case .replay(let runID, let fromCheckpoint, let force):
            var text = "replay \(runID)"
            if let fromCheckpoint { text += " from checkpoint \(fromCheckpoint)" }
            if force { text += " (force)" }
            explanation.add("command", text)
            do throws(StraitInputError) {
                var checkpoint: CheckpointSequence?
                if let fromCheckpoint { checkpoint = try CheckpointSequence(Int64(fromCheckpoint)) }
                let request = ReplayRequest(
                    runID: try RunID(runID),
                    fromCheckpoint: checkpoint,
                    idempotencyKey: key,
                    keySource: .derived,
                    force: force,
                    origin: RequestOrigin(
                        door: WebhookDoor.door(source.kind),
                        requestID: "<per request>",
                        source: source.name
                    )
                )
                explanation.requests.append(request)
                explanation.add(
                    "replay",
                    "run \(request.runID)\(request.fromCheckpoint.map { " from checkpoint \($0.value)" } ?? ""), "
                        + "key \(key) (derived), principal \(principal.name), door \(request.origin.door.rawValue), "
                        + "no wait; then the pipeline decides (replayctl explain shows how)"
                )
            } catch {
                explanation.add("replay", "invalid: \(error.message)")
                explanation.refuse("invalid_request: \(error.message)")
            }
        }
    }

    private func servicePrincipal(_ source: WebhookSource) -> Principal {
        Principal(
            name: source.servicePrincipal ?? source.name,
            authentication: .webhook(source: source.name, matchedBy: "service")
        )
    }

    private static func describe(_ verification: WebhookVerification, _ config: WebhookSourceConfig) -> String {
        let index = config.keys.firstIndex { $0.id == verification.keyID }.map { "\($0 + 1)" } ?? "?"
        return "scheme \(verification.scheme), key \"\(verification.keyID)\" (keyring entry \(index) of "
            + "\(config.keys.count))"
    }

    private static func window(
        _ verification: WebhookVerification,
        now: Int64,
        tolerance: Duration,
        ok: Bool
    )
        -> String
    {
        guard let signed = verification.signedTimestamp else { return "none signed" }
        let skew = now - signed
        let when = skew >= 0 ? "\(skew) s before" : "\(-skew) s after"
        return "\(signed) (\(when) --now \(now); tolerance ±\(tolerance.components.seconds) s): "
            + (ok ? "inside" : "OUTSIDE, would be refused")
    }
}

/// What ``WebhookRequestExplainer`` found, as labelled lines, and whether the listener would accept the request.
public struct WebhookRequestExplanation: Sendable {
    /// `(label, text)` lines, in order.
    public var lines: [(label: String, text: String)] = []
    /// Why the request would be refused, or `nil` when it would be accepted.
    public var refusal: String?
    /// The summary when accepted.
    public var verdict = "would be accepted"
    /// The replay requests it would become.
    public var requests: [ReplayRequest] = []

    /// Whether the request would be accepted.
    public var accepted: Bool { refusal == nil }

    mutating func add(_ label: String, _ text: String) { lines.append((label, text)) }

    mutating func refuse(_ reason: String) {
        if refusal == nil { refusal = reason }
    }

    func refused(_ reason: String) -> WebhookRequestExplanation {
        var copy = self
        copy.refuse(reason)
        return copy
    }

    /// The explanation as text: one labelled line each, then the verdict.
    public var text: String {
        var out = lines.map { $0.label.padding(toLength: 11, withPad: " ", startingAt: 0) + "  " + $0.text }
        out.append("verdict      " + (refusal.map { "would be REFUSED: \($0)" } ?? verdict))
        return out.joined(separator: "\n")
    }
}

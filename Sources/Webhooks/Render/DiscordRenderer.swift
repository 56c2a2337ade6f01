/// JSON bodies replayd sends to Discord: interaction responses (within Discord's 3 s) and the follow-up message
/// posted with the interaction token once the outcome is known.
///
/// Every message is ephemeral (`flags: 64`) and carries `allowed_mentions: {"parse": []}`, so no text can ping
/// anyone. Free text is Markdown-escaped and the content is cut to Discord's 2000 characters.
public enum DiscordRenderer {
    /// Discord's `EPHEMERAL` message flag.
    public static let ephemeralFlag: Int64 = 64
    /// The longest message content Discord accepts.
    public static let maxContentCharacters = 2000

    /// `{"type":1}`: the answer to a `PING`.
    public static func pong() -> [UInt8] {
        WebhookJSONValue.object(["type": .integer(1)]).serialized()
    }

    /// `{"type":5,"data":{"flags":64}}`: "thinking…", visible only to the user; the outcome follows as a
    /// follow-up (``followUp(_:)``) within 15 minutes.
    public static func deferredEphemeral() -> [UInt8] {
        WebhookJSONValue.object(["type": .integer(5), "data": .object(["flags": .integer(ephemeralFlag)])])
            .serialized()
    }

    /// An immediate ephemeral message (type 4) with `content` as given (the caller escapes it).
    public static func ephemeralMessage(_ content: String) -> [UInt8] {
        WebhookJSONValue.object(["type": .integer(4), "data": message(content)]).serialized()
    }

    /// The usage text, as an immediate ephemeral message.
    public static func help(command: String = "/replay") -> [UInt8] {
        ephemeralMessage(text.help(command: command))
    }

    /// The answer for a user no principal maps, naming ``DiscordInteraction/identity`` and `discord_users`.
    public static func notMapped(identity: String) -> [UInt8] {
        ephemeralMessage(text.notMapped(identity: identity, configKey: "discord_users"))
    }

    /// The answer when policy or a limit refuses the replay.
    public static func denied(reason: String) -> [UInt8] {
        ephemeralMessage(text.denied(reason: reason))
    }

    /// The answer when the command options cannot be read.
    public static func invalidCommand(_ error: WebhookPayloadError, command: String = "/replay") -> [UInt8] {
        ephemeralMessage(text.invalid(error, command: command))
    }

    /// An immediate ephemeral answer (type 4) with an outcome already known: a refusal before anything was sent,
    /// or `/replay status`.
    public static func outcome(_ summary: ReplayOutcomeSummary) -> [UInt8] {
        ephemeralMessage(text.outcome(summary))
    }

    /// The follow-up body (`POST /webhooks/{application}/{token}`): `{"content":…,"flags":64,
    /// "allowed_mentions":{"parse":[]}}`.
    public static func followUp(_ summary: ReplayOutcomeSummary) -> [UInt8] {
        message(text.outcome(summary)).serialized()
    }

    /// Escapes Discord Markdown (`\ * _ ~ ` | > #`) so free text shows literally.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if "\\*_~`|>#".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    private static let text = ChatText(
        literal: { value in
            value.contains("`") || value.contains(where: \.isNewline) ? escape(value) : "`\(value)`"
        },
        plain: { escape($0) }
    )

    private static func message(_ content: String) -> WebhookJSONValue {
        let clipped =
            content.count > maxContentCharacters ? String(content.prefix(maxContentCharacters - 1)) + "…" : content
        return .object([
            "content": .string(clipped),
            "flags": .integer(ephemeralFlag),
            "allowed_mentions": .object(["parse": .array([])]),
        ])
    }
}

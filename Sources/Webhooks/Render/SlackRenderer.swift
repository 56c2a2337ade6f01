/// JSON bodies replayd sends to Slack: immediate answers to a slash command (within Slack's 3 s), the final
/// message posted to `response_url`, and the Events API challenge answer.
///
/// Every message is ephemeral (only the invoking user sees it). Free text is escaped for Slack's `mrkdwn`
/// (`&`, `<`, `>`), so an error message cannot form a link or a mention; run ids and keys are shown as inline code.
public enum SlackRenderer {
    /// `{"response_type":"ephemeral","text":"Replaying run `X`…"}`: the immediate answer to an accepted command.
    public static func ack(_ command: ReplayCommand) -> [UInt8] {
        ephemeral(text.ack(command))
    }

    /// The usage text, as an ephemeral answer. `command` is the slash command as configured in Slack.
    public static func help(command: String = "/replay") -> [UInt8] {
        ephemeral(text.help(command: command))
    }

    /// The answer for a user no principal maps: "You are not mapped to a replayd principal; ask an operator to add
    /// `T…/U…` to `slack_users`."
    ///
    /// - Parameter identity: ``SlackSlashCommand/identity`` (`TEAM/USER`).
    public static func notMapped(identity: String) -> [UInt8] {
        ephemeral(text.notMapped(identity: identity, configKey: "slack_users"))
    }

    /// The answer when policy or a limit refuses the replay; `reason` is plain words without secrets.
    public static func denied(reason: String) -> [UInt8] {
        ephemeral(text.denied(reason: reason))
    }

    /// The answer when the command text cannot be parsed.
    public static func invalidCommand(_ error: WebhookPayloadError, command: String = "/replay") -> [UInt8] {
        ephemeral(text.invalid(error, command: command))
    }

    /// The message posted to `response_url` once the outcome is known: names the new run and its status on
    /// success, the error in plain words on failure. `replace_original` is `false` so the ack stays visible.
    public static func finalMessage(_ summary: ReplayOutcomeSummary) -> [UInt8] {
        WebhookJSONValue.object([
            "response_type": .string("ephemeral"),
            "replace_original": .bool(false),
            "text": .string(text.outcome(summary)),
        ]).serialized()
    }

    /// `{"challenge":"…"}`, the answer to an Events API `url_verification` request.
    public static func challenge(_ challenge: String) -> [UInt8] {
        WebhookJSONValue.object(["challenge": .string(challenge)]).serialized()
    }

    /// Escapes `&`, `<` and `>` as Slack requires in `mrkdwn` text.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    private static let text = ChatText(
        literal: { value in
            value.contains("`") || value.contains(where: \.isNewline) ? escape(value) : "`\(escape(value))`"
        },
        plain: { escape($0) }
    )

    private static func ephemeral(_ text: String) -> [UInt8] {
        WebhookJSONValue.object(["response_type": .string("ephemeral"), "text": .string(text)]).serialized()
    }
}

/// A Slack slash command, from its verified form body.
///
/// The legacy `token` field is never read or kept (requests are authenticated by their `v0` signature).
/// `response_url` carries a secret: it is left out of ``description``. The dedup identity is ``deliveryID``,
/// Slack's `trigger_id`, because slash commands carry no delivery id and Slack never retries them under the same
/// trigger.
public struct SlackSlashCommand: Sendable, Hashable, CustomStringConvertible {
    /// The workspace (`T…`).
    public var teamID: String
    /// The workspace's subdomain, when sent.
    public var teamDomain: String?
    /// The Enterprise Grid organisation (`E…`), when sent.
    public var enterpriseID: String?
    /// The user who typed the command (`U…` or `W…`).
    public var userID: String
    /// The user's handle, when sent. Display only: never use it for access decisions.
    public var userName: String?
    /// The conversation (`C…`, `D…`, `G…`).
    public var channelID: String
    /// The conversation's name, when sent.
    public var channelName: String?
    /// The command as configured in Slack, such as `/replay`.
    public var command: String
    /// The text after the command (may be empty).
    public var text: String
    /// Where to post up to five follow-ups within 30 minutes. Secret: never log it.
    public var responseURL: String
    /// The trigger id, unique per invocation.
    public var triggerID: String
    /// The Slack app that received the command, when sent.
    public var apiAppID: String?

    /// Creates a command.
    public init(
        teamID: String,
        teamDomain: String? = nil,
        enterpriseID: String? = nil,
        userID: String,
        userName: String? = nil,
        channelID: String,
        channelName: String? = nil,
        command: String,
        text: String,
        responseURL: String,
        triggerID: String,
        apiAppID: String? = nil
    ) {
        self.teamID = teamID
        self.teamDomain = teamDomain
        self.enterpriseID = enterpriseID
        self.userID = userID
        self.userName = userName
        self.channelID = channelID
        self.channelName = channelName
        self.command = command
        self.text = text
        self.responseURL = responseURL
        self.triggerID = triggerID
        self.apiAppID = apiAppID
    }

    /// The dedup identity of this delivery: the `trigger_id`.
    public var deliveryID: String { triggerID }

    /// `TEAM/USER`, the form in which operators list Slack users in `slack_users` (`T0001/U2147483697`).
    public var identity: String { "\(teamID)/\(userID)" }

    /// The command the text asks for (see ``ReplayCommandParser``).
    public func replayCommand() throws(WebhookPayloadError) -> ReplayCommand {
        try ReplayCommandParser.parse(text)
    }

    /// Command, team, user, channel and trigger id; never the response URL.
    public var description: String {
        "slack command \(command) team=\(teamID) user=\(userID) channel=\(channelID) trigger=\(triggerID)"
    }

    /// Parses a verified slash-command form body.
    ///
    /// - Throws: `malformed_body` for a body that is not a UTF-8 form; `missing_field` for a missing `team_id`,
    ///   `user_id`, `channel_id`, `command`, `response_url` or `trigger_id`; `invalid_field` for ids that are not
    ///   Slack ids, a command not starting with `/`, or a response URL that is not `https`.
    public static func parse(_ body: [UInt8]) throws(WebhookPayloadError) -> SlackSlashCommand {
        let form = try FormURLEncoded.decode(body)
        func required(_ name: String) throws(WebhookPayloadError) -> String {
            guard let value = FormURLEncoded.first(name, in: form), !value.isEmpty else { throw .missing(name) }
            return value
        }
        func slackID(_ name: String) throws(WebhookPayloadError) -> String {
            let value = try required(name)
            guard Self.isSlackID(value) else { throw .invalid(name, "is not a Slack id (letters and digits)") }
            return value
        }
        func optional(_ name: String) -> String? {
            FormURLEncoded.first(name, in: form).flatMap { $0.isEmpty ? nil : $0 }
        }

        let command = try required("command")
        guard command.hasPrefix("/"), command.count <= 64, !command.contains(where: \.isWhitespace) else {
            throw .invalid("command", "must be a slash command such as /replay")
        }
        let responseURL = try required("response_url")
        // Slack always sends https; plain http is accepted only to loopback (a local relay, or a test server).
        let loopback = [
            "http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]:",
        ]
        guard responseURL.hasPrefix("https://") || loopback.contains(where: responseURL.hasPrefix),
            responseURL.utf8.count <= 2048,
            responseURL.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw .invalid("response_url", "must be an https URL")
        }
        let triggerID = try required("trigger_id")
        guard triggerID.utf8.count <= 256, triggerID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalid("trigger_id", "must be at most 256 visible ASCII characters")
        }
        let enterpriseID = optional("enterprise_id")
        if let enterpriseID, !isSlackID(enterpriseID) {
            throw .invalid("enterprise_id", "is not a Slack id (letters and digits)")
        }
        return SlackSlashCommand(
            teamID: try slackID("team_id"),
            teamDomain: optional("team_domain"),
            enterpriseID: enterpriseID,
            userID: try slackID("user_id"),
            userName: optional("user_name"),
            channelID: try slackID("channel_id"),
            channelName: optional("channel_name"),
            command: command,
            text: FormURLEncoded.first("text", in: form) ?? "",
            responseURL: responseURL,
            triggerID: triggerID,
            apiAppID: optional("api_app_id")
        )
    }

    private static func isSlackID(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 64
            && value.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
            }
    }
}

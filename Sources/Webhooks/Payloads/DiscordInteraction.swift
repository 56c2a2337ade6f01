/// A verified Discord interaction (`POST` to the app's Interactions Endpoint URL), and the `/replay` command
/// shape replayd expects.
///
/// ## Command shape
///
/// Register one chat-input command named `replay` (the name is configurable) with three subcommands:
///
/// ```json
/// {"name": "replay", "type": 1, "description": "Replay a Strait job run",
///  "options": [
///    {"type": 1, "name": "run", "description": "Replay a run",
///     "options": [{"type": 3, "name": "run", "description": "Run id", "required": true},
///                 {"type": 4, "name": "from", "description": "Checkpoint sequence", "min_value": 1},
///                 {"type": 5, "name": "force", "description": "Replay even if replayd just did"}]},
///    {"type": 1, "name": "status", "description": "What became of a replay",
///     "options": [{"type": 3, "name": "key", "description": "Key from replayd's answer", "required": true}]},
///    {"type": 1, "name": "help", "description": "How to use /replay"}]}
/// ```
///
/// Users type `/replay run run:0197a1c2 from:3 force:True`, `/replay status key:…` or `/replay help`.
/// A flat registration (options `run`, `from`, `force` directly on `/replay`, no subcommands) is also
/// understood: `run` present → replay, `key` present → status, no options → help.
///
/// The interaction `token` is a credential for 15 minutes of follow-ups: it is left out of ``description``.
/// The dedup identity is the interaction ``id``.
public struct DiscordInteraction: Sendable, Hashable, CustomStringConvertible {
    /// The interaction types replayd handles.
    public enum Kind: Int, Sendable, Hashable {
        /// `PING` (1): answer `{"type":1}` (see ``DiscordRenderer/pong()``).
        case ping = 1
        /// `APPLICATION_COMMAND` (2): a slash command.
        case applicationCommand = 2
    }

    /// The interaction type.
    public var kind: Kind
    /// The interaction id (a snowflake), unique per interaction.
    public var id: String
    /// The application the interaction is for.
    public var applicationID: String
    /// The continuation token for follow-ups. Secret: never log it.
    public var token: String
    /// The guild (server), absent in direct messages.
    public var guildID: String?
    /// The channel, when sent.
    public var channelID: String?
    /// The invoking user (`member.user.id` in a guild, `user.id` in a DM); absent for `PING`.
    public var userID: String?
    /// The invoking user's name, for display only.
    public var userName: String?
    /// `data.name`, the command name; absent for `PING`.
    public var commandName: String?
    /// `data.options`.
    public var options: [DiscordCommandOption]

    /// Creates an interaction.
    public init(
        kind: Kind,
        id: String,
        applicationID: String,
        token: String,
        guildID: String? = nil,
        channelID: String? = nil,
        userID: String? = nil,
        userName: String? = nil,
        commandName: String? = nil,
        options: [DiscordCommandOption] = []
    ) {
        self.kind = kind
        self.id = id
        self.applicationID = applicationID
        self.token = token
        self.guildID = guildID
        self.channelID = channelID
        self.userID = userID
        self.userName = userName
        self.commandName = commandName
        self.options = options
    }

    /// The dedup identity of this delivery: the interaction id.
    public var deliveryID: String { id }

    /// `GUILD/USER` in a guild, `USER` in a direct message, the form in which operators list Discord users;
    /// `nil` for `PING`.
    public var identity: String? {
        guard let userID else { return nil }
        return guildID.map { "\($0)/\(userID)" } ?? userID
    }

    /// Kind, ids and command name; never the token.
    public var description: String {
        var parts = ["discord interaction \(id)", "type=\(kind.rawValue)", "application=\(applicationID)"]
        if let guildID { parts.append("guild=\(guildID)") }
        if let userID { parts.append("user=\(userID)") }
        if let commandName { parts.append("command=\(commandName)") }
        return parts.joined(separator: " ")
    }

    /// Parses a verified interaction body.
    ///
    /// - Throws: `malformed_body`; `unsupported_event` for interaction types other than 1 and 2 (components,
    ///   autocomplete, modals); `missing_field` / `invalid_field` for the envelope (`id`, `application_id`,
    ///   `token`, the user of a command, `data.name`, `data.options`).
    public static func parse(_ body: [UInt8]) throws(WebhookPayloadError) -> DiscordInteraction {
        let json = try WebhookJSONValue(parsing: body)
        guard json.objectValue != nil else { throw .malformed("body is not a JSON object") }
        guard let typeValue = json["type"] else { throw .missing("type") }
        guard let typeNumber = typeValue.integerValue else {
            throw .wrongType("type", expected: "an integer", got: typeValue)
        }
        guard let kind = Int(exactly: typeNumber).flatMap(Kind.init(rawValue:)) else {
            throw WebhookPayloadError(
                code: .unsupportedEvent,
                field: "type",
                message: "type: interaction type \(typeNumber) is not handled; only 1 (PING) and 2 (command) are"
            )
        }
        let id = try snowflake(json["id"], field: "id")
        let applicationID = try snowflake(json["application_id"], field: "application_id")
        guard let token = json["token"]?.stringValue, !token.isEmpty else { throw .missing("token") }
        guard token.utf8.count <= 1024, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalid("token", "must be visible ASCII of at most 1024 characters")
        }
        let guildID = try json["guild_id"].flatMap { value throws(WebhookPayloadError) in
            value.isNull ? nil : try snowflake(value, field: "guild_id")
        }
        let channelID = try json["channel_id"].flatMap { value throws(WebhookPayloadError) in
            value.isNull ? nil : try snowflake(value, field: "channel_id")
        }
        var interaction = DiscordInteraction(
            kind: kind,
            id: id,
            applicationID: applicationID,
            token: token,
            guildID: guildID,
            channelID: channelID
        )
        guard kind == .applicationCommand else { return interaction }

        let (userJSON, userPath) =
            json["member"]?["user"].map { ($0, "member.user") } ?? (json["user"] ?? .null, "user")
        guard userJSON.objectValue != nil else { throw .missing("member.user") }
        interaction.userID = try snowflake(userJSON["id"], field: "\(userPath).id")
        interaction.userName = userJSON["username"]?.stringValue

        guard let data = json["data"], data.objectValue != nil else { throw .missing("data") }
        if let dataType = data["type"], !dataType.isNull, dataType.integerValue != 1 {
            throw WebhookPayloadError(
                code: .unsupportedEvent,
                field: "data.type",
                message: "data.type: only chat-input (slash) commands are handled"
            )
        }
        guard let name = data["name"]?.stringValue, !name.isEmpty else { throw .missing("data.name") }
        interaction.commandName = name
        interaction.options = try DiscordCommandOption.parseList(data["options"], path: "data.options")
        return interaction
    }

    /// The command this interaction asks for, following the shape in the type's documentation.
    ///
    /// - Parameter expectedName: the registered command name (`data.name`).
    /// - Throws: `invalid_command` for another command name, a `PING`, unknown or mistyped options;
    ///   `invalid_run_id`, `invalid_checkpoint`.
    public func replayCommand(expectedName: String = "replay") throws(WebhookPayloadError) -> ReplayCommand {
        guard kind == .applicationCommand, let commandName else {
            throw Self.invalidCommand("data", "a PING carries no command")
        }
        guard commandName == expectedName else {
            throw Self.invalidCommand(
                "data.name",
                "command \(WebhookPayloadError.quoted(commandName)) is not /\(expectedName)"
            )
        }
        if let first = options.first, first.type == DiscordCommandOption.OptionType.subcommand.rawValue {
            guard options.count == 1 else { throw Self.invalidCommand("data.options", "expected one subcommand") }
            let path = "data.options[0].options"
            switch first.name {
            case "run":
                return try Self.replay(first.options, path: path)
            case "status":
                let values = try Self.values(first.options, allowed: ["key": .string], path: path)
                guard let key = values["key"]?.stringValue else { throw .missing("\(path).key") }
                return .status(key: try ReplayCommandParser.validateStatusKey(key, field: "\(path).key"))
            case "help":
                _ = try Self.values(first.options, allowed: [:], path: path)
                return .help
            default:
                throw Self.invalidCommand(
                    "data.options[0].name",
                    "unknown subcommand \(WebhookPayloadError.quoted(first.name)); expected run, status or help"
                )
            }
        }
        let path = "data.options"
        if options.contains(where: { $0.name == "key" }) {
            let values = try Self.values(options, allowed: ["key": .string], path: path)
            guard let key = values["key"]?.stringValue else { throw .missing("\(path).key") }
            return .status(key: try ReplayCommandParser.validateStatusKey(key, field: "\(path).key"))
        }
        if options.isEmpty { return .help }
        return try Self.replay(options, path: path)
    }

    private static func replay(
        _ options: [DiscordCommandOption],
        path: String
    ) throws(WebhookPayloadError) -> ReplayCommand {
        let values = try values(options, allowed: ["run": .string, "from": .integer, "force": .boolean], path: path)
        guard let run = values["run"]?.stringValue else { throw .missing("\(path).run") }
        let runID = try ReplayCommandParser.validateRunID(run, field: "\(path).run")
        let checkpoint = try values["from"]?.integerValue.map { value throws(WebhookPayloadError) in
            try ReplayCommandParser.validateCheckpoint(value, field: "\(path).from")
        }
        return .replay(runID: runID, fromCheckpoint: checkpoint, force: values["force"]?.boolValue ?? false)
    }

    /// Checks options against `allowed` names and types and returns their values by name.
    private static func values(
        _ options: [DiscordCommandOption],
        allowed: [String: DiscordCommandOption.OptionType],
        path: String
    ) throws(WebhookPayloadError) -> [String: WebhookJSONValue] {
        var result: [String: WebhookJSONValue] = [:]
        for (index, option) in options.enumerated() {
            let here = "\(path)[\(index)]"
            guard let expected = allowed[option.name] else {
                let known = allowed.keys.sorted().joined(separator: ", ")
                throw invalidCommand(
                    "\(here).name",
                    "unknown option \(WebhookPayloadError.quoted(option.name))"
                        + (known.isEmpty ? "; this subcommand takes none" : "; expected \(known)")
                )
            }
            guard result[option.name] == nil else { throw invalidCommand(here, "option \(option.name) is repeated") }
            guard option.type == expected.rawValue, let value = option.value else {
                throw invalidCommand(here, "option \(option.name) must have type \(expected.rawValue)")
            }
            let matches: Bool
            switch expected {
            case .string: matches = value.stringValue != nil
            case .integer: matches = value.integerValue != nil
            case .boolean: matches = value.boolValue != nil
            case .subcommand, .subcommandGroup: matches = false
            }
            guard matches else {
                throw .wrongType("\(here).value", expected: "a value of type \(expected)", got: value)
            }
            result[option.name] = value
        }
        return result
    }

    private static func snowflake(_ value: WebhookJSONValue?, field: String) throws(WebhookPayloadError) -> String {
        guard let value, !value.isNull else { throw .missing(field) }
        guard let text = value.stringValue else { throw .wrongType(field, expected: "a snowflake string", got: value) }
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalid(field, "must be a snowflake (1 to 20 digits)")
        }
        return text
    }

    private static func invalidCommand(_ field: String, _ problem: String) -> WebhookPayloadError {
        WebhookPayloadError(code: .invalidCommand, field: field, message: "\(field): \(problem)")
    }
}

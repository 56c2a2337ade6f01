/// One entry of a Discord interaction's `data.options` (or of a subcommand's `options`).
public struct DiscordCommandOption: Sendable, Hashable {
    /// Discord's application command option types that replayd uses.
    public enum OptionType: Int, Sendable, Hashable {
        /// `SUB_COMMAND` (1): `value` is absent and `options` holds the subcommand's own options.
        case subcommand = 1
        /// `SUB_COMMAND_GROUP` (2).
        case subcommandGroup = 2
        /// `STRING` (3).
        case string = 3
        /// `INTEGER` (4).
        case integer = 4
        /// `BOOLEAN` (5).
        case boolean = 5
    }

    /// The option name, such as `run`.
    public var name: String
    /// The option type number as sent (see ``OptionType``; other types are kept as numbers).
    public var type: Int
    /// The value, for non-subcommand options.
    public var value: WebhookJSONValue?
    /// Nested options, for subcommands and groups.
    public var options: [DiscordCommandOption]

    /// Creates an option.
    public init(name: String, type: Int, value: WebhookJSONValue? = nil, options: [DiscordCommandOption] = []) {
        self.name = name
        self.type = type
        self.value = value
        self.options = options
    }

    /// Reads `options` from interaction JSON; `path` names the array in error messages (`data.options`).
    static func parseList(_ json: WebhookJSONValue?, path: String) throws(WebhookPayloadError) -> [DiscordCommandOption]
    {
        guard let json, !json.isNull else { return [] }
        guard let elements = json.arrayValue else { throw .wrongType(path, expected: "an array", got: json) }
        var result: [DiscordCommandOption] = []
        for (index, element) in elements.enumerated() {
            let here = "\(path)[\(index)]"
            guard element.objectValue != nil else { throw .wrongType(here, expected: "an object", got: element) }
            guard let name = element["name"]?.stringValue, !name.isEmpty else { throw .missing("\(here).name") }
            guard let type = element["type"]?.integerValue, let typeNumber = Int(exactly: type) else {
                throw .missing("\(here).type")
            }
            result.append(
                DiscordCommandOption(
                    name: name,
                    type: typeNumber,
                    value: element["value"],
                    options: try parseList(element["options"], path: "\(here).options")
                )
            )
        }
        return result
    }
}

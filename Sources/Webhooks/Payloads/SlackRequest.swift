/// A verified request from Slack to a replayd source: a slash command, or the Events API's one-time
/// `url_verification` handshake.
///
/// Slash commands arrive as `application/x-www-form-urlencoded` bodies; the Events API sends JSON. The body is
/// told apart by its first non-blank byte (`{` means JSON), so a missing or wrong `Content-Type` does not matter.
public enum SlackRequest: Sendable, Hashable {
    /// A slash command such as `/replay abc123 from=2`.
    case slashCommand(SlackSlashCommand)
    /// The Events API handshake: answer with the challenge (see ``SlackRenderer/challenge(_:)``).
    case urlVerification(challenge: String)

    /// The longest challenge replayd echoes back.
    public static let maxChallengeBytes = 512

    /// Parses a verified Slack body.
    ///
    /// - Throws: `malformed_body`, `missing_field`, `invalid_field`, or `unsupported_event` for Events API JSON
    ///   other than `url_verification` (replayd subscribes to no events).
    public static func parse(_ body: [UInt8]) throws(WebhookPayloadError) -> SlackRequest {
        guard body.first(where: { !Self.isBlank($0) }) == UInt8(ascii: "{") else {
            return .slashCommand(try SlackSlashCommand.parse(body))
        }
        let json = try WebhookJSONValue(parsing: body)
        guard let type = json["type"] else { throw .missing("type") }
        guard let typeName = type.stringValue else { throw .wrongType("type", expected: "a string", got: type) }
        guard typeName == "url_verification" else {
            throw WebhookPayloadError(
                code: .unsupportedEvent,
                field: "type",
                message: "type: Events API type \(WebhookPayloadError.quoted(typeName)) is not handled; "
                    + "only url_verification is"
            )
        }
        guard let challengeValue = json["challenge"] else { throw .missing("challenge") }
        guard let challenge = challengeValue.stringValue else {
            throw .wrongType("challenge", expected: "a string", got: challengeValue)
        }
        guard !challenge.isEmpty, challenge.utf8.count <= maxChallengeBytes,
            challenge.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw .invalid("challenge", "must be 1 to \(maxChallengeBytes) visible ASCII characters")
        }
        return .urlVerification(challenge: challenge)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

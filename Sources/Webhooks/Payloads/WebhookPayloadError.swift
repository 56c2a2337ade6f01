/// A verified webhook body (or one of its headers) that replayd cannot act on.
///
/// The message names the bad field, as a dotted path into the body (`data.options[0].value`), a form field
/// (`text`) or a header (`X-GitHub-Delivery`). Messages quote user-supplied values such as run ids (clipped, with
/// control characters escaped) but never tokens, response URLs or signatures.
public struct WebhookPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem. The raw values are what the audit log and metrics record.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The body is not what the sender's content type promises (not UTF-8, not JSON, not a form).
        case malformedBody = "malformed_body"
        /// A required field or header is absent.
        case missingField = "missing_field"
        /// A field has the wrong type or a value that is not allowed.
        case invalidField = "invalid_field"
        /// A run id breaks Strait's rules (empty, `.`/`..`, `/`, leading `%`, control characters, > 128 bytes).
        case invalidRunID = "invalid_run_id"
        /// A checkpoint is not a positive integer.
        case invalidCheckpoint = "invalid_checkpoint"
        /// The command text or options do not form a replay command.
        case invalidCommand = "invalid_command"
        /// A well-formed command that this source may not issue (GitHub may only replay).
        case commandNotAllowed = "command_not_allowed"
        /// More commands in one message than a source allows.
        case tooManyCommands = "too_many_commands"
        /// A kind of event or interaction replayd does not handle (Slack `event_callback`, Discord components).
        case unsupportedEvent = "unsupported_event"
        /// A JSON pointer (RFC 6901) that is not well formed.
        case invalidPointer = "invalid_pointer"
    }

    /// The class of problem.
    public var code: Code
    /// The field, form field or header concerned, when there is one.
    public var field: String?
    /// What is wrong, in plain words, starting with the field name when there is one.
    public var message: String

    /// Creates an error. `message` must not contain secrets.
    public init(code: Code, field: String?, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// The message.
    public var description: String { message }

    static func missing(_ field: String) -> WebhookPayloadError {
        WebhookPayloadError(code: .missingField, field: field, message: "\(field): required field is missing")
    }

    static func invalid(_ field: String, _ problem: String) -> WebhookPayloadError {
        WebhookPayloadError(code: .invalidField, field: field, message: "\(field): \(problem)")
    }

    static func wrongType(_ field: String, expected: String, got value: WebhookJSONValue) -> WebhookPayloadError {
        .invalid(field, "expected \(expected), got \(value.kindName)")
    }

    static func malformed(_ what: String) -> WebhookPayloadError {
        WebhookPayloadError(code: .malformedBody, field: nil, message: what)
    }

    /// Quotes a user value for a message: clipped to 64 characters, control characters, quotes and backslashes
    /// escaped, so it cannot corrupt a terminal, a log line or a chat message.
    static func quoted(_ value: some StringProtocol) -> String {
        let clipped = value.count > 64 ? String(value.prefix(64)) + "…" : String(value)
        var out = "\""
        for scalar in clipped.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\"" || scalar == "\\" {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

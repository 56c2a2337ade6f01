/// Input refused before any network call.
public struct StraitInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable, Hashable {
        /// The run id broke a rule.
        case invalidRunID = "invalid_run_id"
        /// The checkpoint is not a positive integer.
        case invalidCheckpoint = "invalid_checkpoint"
        /// The idempotency key is not 1 to 255 printable ASCII characters.
        case invalidIdempotencyKey = "invalid_idempotency_key"
        /// Some other parameter (for example a list filter) is invalid.
        case invalidParameter = "invalid_parameter"
    }

    /// What was wrong.
    public let code: Code
    /// The field that was wrong, as the user names it (`run_id`, `from_checkpoint`).
    public let field: String
    /// A sentence for the user.
    public let message: String

    /// Creates an error.
    public init(code: Code, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// A run id that broke `reason`.
    public static func invalidRunID(_ value: String, reason: String) -> StraitInputError {
        StraitInputError(code: .invalidRunID, field: "run_id", message: "invalid run id \(quoted(value)): \(reason)")
    }

    /// A checkpoint that is not a positive integer.
    public static func invalidCheckpoint(_ value: String) -> StraitInputError {
        StraitInputError(
            code: .invalidCheckpoint,
            field: "from_checkpoint",
            message: "from_checkpoint must be a positive integer, got \(quoted(value))"
        )
    }

    /// An idempotency key that broke `reason`.
    public static func invalidIdempotencyKey(_ value: String, reason: String) -> StraitInputError {
        StraitInputError(
            code: .invalidIdempotencyKey,
            field: "idempotency_key",
            message: "invalid idempotency key \(quoted(value)): \(reason)"
        )
    }

    public var description: String { message }

    /// Quotes a user value for a message, escaping control characters so they cannot corrupt a terminal or log.
    private static func quoted(_ value: String) -> String {
        let clipped = value.utf8.count > 64 ? String(value.prefix(64)) + "…" : value
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

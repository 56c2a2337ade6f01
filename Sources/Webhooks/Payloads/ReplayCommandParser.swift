/// Parses the text typed after a `/replay` chat command, and holds the validation rules for run ids, checkpoints
/// and status keys that every source shares.
///
/// Grammar (words separated by any whitespace; keywords are case-insensitive, run ids and keys are not):
///
/// ```
/// (empty)               → help
/// help                  → help
/// status KEY            → status(key: KEY)
/// RUN [from=N] [force]  → replay(runID: RUN, fromCheckpoint: N, force: …), options in any order, each at most once
/// ```
///
/// `from_checkpoint=N` is accepted as a synonym of `from=N`. `help` and `status` are reserved: they are never
/// read as run ids.
public enum ReplayCommandParser {
    /// The most bytes a run id may have (as the `Strait` module's `RunID`).
    public static let maxRunIDBytes = 128
    /// The most bytes a status key may have.
    public static let maxStatusKeyBytes = 256

    /// Parses command text.
    ///
    /// - Throws: `invalid_command` for unknown or repeated options and missing arguments, `invalid_run_id`,
    ///   `invalid_checkpoint`; the field is `text`.
    public static func parse(_ text: String) throws(WebhookPayloadError) -> ReplayCommand {
        try parse(text, field: "text")
    }

    /// Parses command text; errors name `field` (`comment.body line 3`).
    static func parse(_ text: String, field: String) throws(WebhookPayloadError) -> ReplayCommand {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first else { return .help }
        switch first.lowercased() {
        case "help":
            guard words.count == 1 else {
                throw invalidCommand(field, "\"help\" takes no arguments")
            }
            return .help
        case "status":
            guard words.count == 2 else {
                throw invalidCommand(field, "usage: status KEY (the key replayd gave when it accepted the replay)")
            }
            return .status(key: try validateStatusKey(words[1], field: field))
        default:
            return try parseReplay(words, field: field)
        }
    }

    /// Checks a run id with Strait's CLI rules: non-empty, at most 128 bytes, not `.` or `..`, no `/`, no leading
    /// `%`, no control characters.
    ///
    /// - Returns: the id, unchanged.
    /// - Throws: `invalid_run_id` naming `field` and the rule that failed.
    public static func validateRunID(
        _ value: String,
        field: @autoclosure () -> String
    ) throws(WebhookPayloadError) -> String {
        func fail(_ reason: String) -> WebhookPayloadError {
            let field = field()
            return WebhookPayloadError(
                code: .invalidRunID,
                field: field,
                message: "\(field): run id \(WebhookPayloadError.quoted(value)) \(reason)"
            )
        }
        guard !value.isEmpty else { throw fail("must not be empty") }
        guard value.utf8.count <= maxRunIDBytes else { throw fail("must be at most \(maxRunIDBytes) bytes") }
        guard value != ".", value != ".." else { throw fail("must not be \".\" or \"..\"") }
        guard !value.contains("/") else { throw fail("must not contain \"/\"") }
        guard !value.hasPrefix("%") else { throw fail("must not start with \"%\"") }
        // ASCII (every run id Strait makes) is checked byte by byte; only other text needs Unicode's categories.
        let controls =
            value.utf8.allSatisfy { $0 < 0x80 }
            ? value.utf8.contains { $0 < 0x20 || $0 == 0x7F }
            : value.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard !controls else { throw fail("must not contain control characters") }
        return value
    }

    /// Checks a checkpoint sequence: Strait rejects anything below 1 (`from_checkpoint must be a positive
    /// integer`), so replayd refuses it before any network call.
    ///
    /// - Throws: `invalid_checkpoint` naming `field`.
    public static func validateCheckpoint(
        _ value: Int64,
        field: @autoclosure () -> String
    ) throws(WebhookPayloadError) -> Int {
        guard value >= 1, let checkpoint = Int(exactly: value) else {
            let field = field()
            throw WebhookPayloadError(
                code: .invalidCheckpoint,
                field: field,
                message: "\(field): checkpoint must be a positive integer, got \(value)"
            )
        }
        return checkpoint
    }

    /// Checks a status key: 1 to 256 visible ASCII characters.
    ///
    /// - Throws: `invalid_command` naming `field`.
    public static func validateStatusKey(_ value: String, field: String) throws(WebhookPayloadError) -> String {
        guard !value.isEmpty, value.utf8.count <= maxStatusKeyBytes,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw WebhookPayloadError(
                code: .invalidCommand,
                field: field,
                message: "\(field): status key \(WebhookPayloadError.quoted(value)) must be 1 to "
                    + "\(maxStatusKeyBytes) visible ASCII characters"
            )
        }
        return value
    }

    private static func parseReplay(_ words: [String], field: String) throws(WebhookPayloadError) -> ReplayCommand {
        let runID = try validateRunID(words[0], field: field)
        var checkpoint: Int?
        var force = false
        var seenForce = false
        for word in words.dropFirst() {
            let lowered = word.lowercased()
            if lowered == "force" {
                guard !seenForce else { throw invalidCommand(field, "\"force\" is given twice") }
                seenForce = true
                force = true
            } else if let number = optionValue(lowered, names: ["from", "from_checkpoint"]) {
                guard checkpoint == nil else { throw invalidCommand(field, "from=N is given twice") }
                checkpoint = try parseCheckpoint(number, field: field)
            } else {
                throw invalidCommand(
                    field,
                    "unexpected \(WebhookPayloadError.quoted(word)) after the run id; expected from=N or force"
                )
            }
        }
        return .replay(runID: runID, fromCheckpoint: checkpoint, force: force)
    }

    private static func optionValue(_ word: String, names: [String]) -> Substring? {
        for name in names where word.hasPrefix(name + "=") {
            return word.dropFirst(name.count + 1)
        }
        return nil
    }

    private static func parseCheckpoint(_ text: Substring, field: String) throws(WebhookPayloadError) -> Int {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(text) else {
            throw WebhookPayloadError(
                code: .invalidCheckpoint,
                field: field,
                message: "\(field): from= must be a positive integer, got \(WebhookPayloadError.quoted(text))"
            )
        }
        return try validateCheckpoint(value, field: field)
    }

    private static func invalidCommand(_ field: String, _ problem: String) -> WebhookPayloadError {
        WebhookPayloadError(code: .invalidCommand, field: field, message: "\(field): \(problem)")
    }
}

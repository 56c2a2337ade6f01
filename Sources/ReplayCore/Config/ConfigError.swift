/// One problem with a replayd config file, pointing at the key and line it concerns.
///
/// The description reads like a compiler diagnostic:
/// `replayd.toml:12: upstream.timeout: expected a duration such as "30s" or "250ms", got integer 30`.
/// Messages never contain secret values.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem. Stable: callers and tests switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case unreadableFile = "unreadable_file"
            case syntax = "syntax"
            case unknownKey = "unknown_key"
            case typeMismatch = "type_mismatch"
            case invalidValue = "invalid_value"
            case missingKey = "missing_key"
            case duplicate = "duplicate"
            case secret = "secret"
            case untrustedFile = "untrusted_file"
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The config file could not be read (missing, not a regular file, not UTF-8, too large).
        public static let unreadableFile = Code(.unreadableFile)
        /// The file is not valid TOML; the error has a column.
        public static let syntax = Code(.syntax)
        /// A key that this version of replayd does not know (often a typo).
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong TOML type, or a string that is not a duration or size.
        public static let typeMismatch = Code(.typeMismatch)
        /// A value of the right type that is not allowed (out of range, a relative path, a bad URL...).
        public static let invalidValue = Code(.invalidValue)
        /// A required key is missing.
        public static let missingKey = Code(.missingKey)
        /// Something that must be unique is not (principal names, uids, users, groups).
        public static let duplicate = Code(.duplicate)
        /// A secret could not be loaded (variable unset or empty, unsafe file permissions, empty file...).
        public static let secret = Code(.secret)
        /// A configured directory or key file fails the trust model (``FileTrust``): another user's, writable by
        /// others, a symbolic link, not writable, under a file.
        public static let untrustedFile = Code(.untrustedFile)

        /// A stable snake_case name.
        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public var code: Code
    /// The config file, as given to the loader; `nil` when the config did not come from a file.
    public var file: String?
    /// The full dotted key path, such as `upstream.timeout` or `principals[1].unix_uids`; `nil` for problems
    /// with the file as a whole.
    public var keyPath: String?
    /// The 1-based line, when known.
    public var line: Int?
    /// The 1-based column, for syntax errors.
    public var column: Int?
    /// What is wrong, and where possible how to fix it.
    public var message: String

    /// Creates an error.
    public init(
        code: Code,
        file: String? = nil,
        keyPath: String? = nil,
        line: Int? = nil,
        column: Int? = nil,
        message: String
    ) {
        self.code = code
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    /// The file could not be read; `reason` follows the words "config file" (`is not a regular file`).
    public static func unreadableFile(_ path: String, reason: String) -> ConfigError {
        ConfigError(code: .unreadableFile, file: path, message: "config file \(reason)")
    }

    /// The file is not valid TOML.
    public static func syntax(_ error: TOMLError, file: String? = nil) -> ConfigError {
        ConfigError(code: .syntax, file: file, line: error.line, column: error.column, message: error.message)
    }

    /// `keyPath` is not a key replayd knows; `suggestion` is a known key with a similar spelling.
    public static func unknownKey(_ keyPath: String, line: Int?, suggestion: String? = nil) -> ConfigError {
        let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
        return ConfigError(code: .unknownKey, keyPath: keyPath, line: line, message: "unknown key\(hint)")
    }

    /// The value at `keyPath` is not what was `expected` (for example `a duration such as "30s"`); `got`
    /// describes what was found (for example `integer 30`).
    public static func typeMismatch(_ keyPath: String, line: Int?, expected: String, got: String) -> ConfigError {
        ConfigError(code: .typeMismatch, keyPath: keyPath, line: line, message: "expected \(expected), got \(got)")
    }

    /// The value at `keyPath` has the right type but is not allowed.
    public static func invalidValue(_ keyPath: String, line: Int?, _ message: String) -> ConfigError {
        ConfigError(code: .invalidValue, keyPath: keyPath, line: line, message: message)
    }

    /// The required key `keyPath` is missing; `line` is the line of its table, when the table exists.
    public static func missingKey(_ keyPath: String, line: Int?, hint: String? = nil) -> ConfigError {
        let message = "required key is missing" + (hint.map { "; \($0)" } ?? "")
        return ConfigError(code: .missingKey, keyPath: keyPath, line: line, message: message)
    }

    /// A value that must be unique is repeated.
    public static func duplicate(_ keyPath: String, line: Int?, _ message: String) -> ConfigError {
        ConfigError(code: .duplicate, keyPath: keyPath, line: line, message: message)
    }

    /// A secret could not be loaded. `message` must not contain the secret.
    public static func secret(_ keyPath: String?, line: Int?, _ message: String) -> ConfigError {
        ConfigError(code: .secret, keyPath: keyPath, line: line, message: message)
    }

    /// A configured path that `replayd serve` would refuse to use.
    public static func untrustedFile(_ keyPath: String?, line: Int?, _ problem: FileTrustError) -> ConfigError {
        ConfigError(code: .untrustedFile, keyPath: keyPath, line: line, message: problem.description)
    }

    /// `file:line[:column]: keyPath: message`, leaving out the parts that are unknown.
    public var description: String {
        var location = file ?? ""
        if let line {
            location += location.isEmpty ? "line \(line)" : ":\(line)"
            if let column {
                location += ":\(column)"
            }
        }
        var parts: [String] = []
        if !location.isEmpty {
            parts.append(location)
        }
        if let keyPath, !keyPath.isEmpty {
            parts.append(keyPath)
        }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

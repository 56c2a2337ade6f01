/// A TOML document that could not be parsed: what went wrong and where.
///
/// The parser stops at the first error, so a document yields at most one `TOMLError`.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure. Stable: callers and tests switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidSyntax = "invalid_syntax"
            case invalidValue = "invalid_value"
            case duplicateKey = "duplicate_key"
            case redefinedTable = "redefined_table"
            case unsupported = "unsupported"
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The text does not follow the TOML grammar (a missing `=`, an unterminated string, stray characters...).
        public static let invalidSyntax = Code(.invalidSyntax)
        /// A value is well formed but not allowed: an integer out of range, a bad escape, a surrogate code point.
        public static let invalidValue = Code(.invalidValue)
        /// The same key is defined twice in one table.
        public static let duplicateKey = Code(.duplicateKey)
        /// A table is defined twice, or a key is used both as a table and as something else.
        public static let redefinedTable = Code(.redefinedTable)
        /// Valid TOML that this parser does not accept (dates and times).
        public static let unsupported = Code(.unsupported)

        /// A stable snake_case name.
        public var description: String { base.rawValue }
    }

    /// The class of failure.
    public var code: Code
    /// The 1-based line of the offending text.
    public var line: Int
    /// The 1-based column (in Unicode scalars) of the offending text.
    public var column: Int
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(code: Code, line: Int, column: Int, message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    /// The grammar was not followed.
    public static func invalidSyntax(_ message: String, line: Int, column: Int) -> TOMLError {
        TOMLError(code: .invalidSyntax, line: line, column: column, message: message)
    }

    /// A well-formed value that is not allowed.
    public static func invalidValue(_ message: String, line: Int, column: Int) -> TOMLError {
        TOMLError(code: .invalidValue, line: line, column: column, message: message)
    }

    /// `key` was already defined on `firstLine`.
    public static func duplicateKey(_ key: String, firstLine: Int, line: Int, column: Int) -> TOMLError {
        TOMLError(
            code: .duplicateKey,
            line: line,
            column: column,
            message: "duplicate key \(key) (first defined on line \(firstLine))"
        )
    }

    /// A table (or a key used as one) was defined in a conflicting way.
    public static func redefinedTable(_ message: String, line: Int, column: Int) -> TOMLError {
        TOMLError(code: .redefinedTable, line: line, column: column, message: message)
    }

    /// Valid TOML that this parser refuses.
    public static func unsupported(_ message: String, line: Int, column: Int) -> TOMLError {
        TOMLError(code: .unsupported, line: line, column: column, message: message)
    }

    public var description: String {
        "line \(line), column \(column): \(message)"
    }
}

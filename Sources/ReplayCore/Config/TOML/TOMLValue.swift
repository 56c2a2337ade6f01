/// One value of a parsed TOML document, with the position where it was written.
///
/// Tables defined by a `[header]` carry the header's position; implicitly created tables carry the position of
/// the first key or header that mentioned them. An array of tables (`[[name]]`) carries the first header's
/// position, and each of its tables its own header's.
public struct TOMLValue: Sendable, Equatable {
    /// The TOML types this parser produces. Dates and times are refused by the parser.
    public enum Kind: Sendable, Equatable {
        /// A basic, literal or multi-line string.
        case string(String)
        /// A 64-bit integer, written in decimal, hexadecimal, octal or binary.
        case integer(Int64)
        /// A 64-bit float, including `inf` and `nan`.
        case float(Double)
        /// `true` or `false`.
        case boolean(Bool)
        /// An array (possibly of mixed types), or an array of tables.
        case array([TOMLValue])
        /// A table: a `[header]` table, an inline table, or one created by dotted keys.
        case table(TOMLTable)
    }

    /// The value.
    public var kind: Kind
    /// The 1-based line where the value starts.
    public var line: Int
    /// The 1-based column (in Unicode scalars) where the value starts.
    public var column: Int

    /// Creates a value.
    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The TOML type name: `string`, `integer`, `float`, `boolean`, `array` or `table`.
    public var typeName: String {
        switch kind {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .array: "array"
        case .table: "table"
        }
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = kind { value } else { nil }
    }

    /// The integer, if this is an integer.
    public var integerValue: Int64? {
        if case .integer(let value) = kind { value } else { nil }
    }

    /// The float, if this is a float.
    public var floatValue: Double? {
        if case .float(let value) = kind { value } else { nil }
    }

    /// The boolean, if this is a boolean.
    public var booleanValue: Bool? {
        if case .boolean(let value) = kind { value } else { nil }
    }

    /// The elements, if this is an array.
    public var arrayValue: [TOMLValue]? {
        if case .array(let value) = kind { value } else { nil }
    }

    /// The table, if this is a table.
    public var tableValue: TOMLTable? {
        if case .table(let value) = kind { value } else { nil }
    }
}

/// A TOML v1.0 parser that keeps the line and column of every value, for error messages that point at the source.
///
/// Supports the whole grammar used by configuration files: comments; bare, quoted and dotted keys; `[table]`
/// and `[[array.of.tables]]` headers; basic, literal and multi-line strings; decimal, hexadecimal, octal and
/// binary integers; floats (with `inf` and `nan`); booleans; arrays; inline tables. Dates and times are refused
/// with a ``TOMLError/Code/unsupported`` error: write them as strings.
///
/// ```swift
/// let table = try TOMLParser.parse("[socket]\npath = \"/run/replayd.sock\"\n")
/// table["socket"]?.tableValue?["path"]?.line  // 2
/// ```
public struct TOMLParser {
    /// Parses a whole document into its root table.
    ///
    /// - Throws: the first ``TOMLError`` found; parsing stops there.
    public static func parse(_ source: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(source: source)
        return try parser.parseDocument()
    }

    /// The document's UTF-8 bytes (valid UTF-8, because they come from a `String`).
    let bytes: [UInt8]
    /// The next byte to read.
    var index = 0
    /// The 1-based line of `index`.
    var line = 1
    /// The index of the first byte of the current line.
    var lineStart = 0

    private init(source: String) {
        bytes = Array(source.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
        }
    }

    private mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        let builder = TOMLTreeBuilder()
        while true {
            skipWhitespace()
            guard let byte = peek() else { break }
            switch byte {
            case Byte.newline, Byte.carriageReturn:
                try consumeNewline()
                continue
            case Byte.hash:
                break
            case Byte.openBracket:
                try parseTableHeader(into: builder)
            default:
                let key = try parseKey()
                try expectEquals(after: key)
                let value = try parseValue()
                try builder.setValue(value, for: key)
            }
            try expectEndOfLine()
        }
        return builder.finish()
    }

    /// `[key]` or `[[key]]`, positioned on the first `[`.
    private mutating func parseTableHeader(into builder: TOMLTreeBuilder) throws(TOMLError) {
        let (headerLine, headerColumn) = (line, column)
        advance()
        let isArray = peek() == Byte.openBracket
        if isArray {
            advance()
        }
        skipWhitespace()
        let key = try parseKey()
        skipWhitespace()
        guard peek() == Byte.closeBracket else {
            throw syntaxError("expected ']' to close the table header, found \(describeNext())")
        }
        advance()
        if isArray {
            guard peek() == Byte.closeBracket else {
                throw syntaxError("expected ']]' to close the array-of-tables header, found \(describeNext())")
            }
            advance()
        }
        try builder.openTable(key, isArray: isArray, line: headerLine, column: headerColumn)
    }

    /// Whitespace, then `=`, then whitespace.
    mutating func expectEquals(after key: TOMLKey) throws(TOMLError) {
        skipWhitespace()
        guard peek() == Byte.equals else {
            if peek() == nil || peek() == Byte.newline || peek() == Byte.carriageReturn {
                throw syntaxError("expected '=' and a value after key \(key.display)")
            }
            throw syntaxError("expected '=' after key \(key.display), found \(describeNext())")
        }
        advance()
        skipWhitespace()
    }

    // MARK: Keys

    /// A simple or dotted key, positioned on its first character.
    mutating func parseKey() throws(TOMLError) -> TOMLKey {
        var parts: [TOMLKey.Part] = []
        while true {
            skipWhitespace()
            let (partLine, partColumn) = (line, column)
            let name: String
            switch peek() {
            case Byte.quote:
                name = try parseBasicString()
            case Byte.apostrophe:
                name = try parseLiteralString()
            case let byte? where TOMLKey.isBareKeyByte(byte):
                let start = index
                while let next = peek(), TOMLKey.isBareKeyByte(next) {
                    advance()
                }
                name = String(decoding: bytes[start..<index], as: UTF8.self)
            default:
                throw syntaxError("expected a key, found \(describeNext())")
            }
            parts.append(TOMLKey.Part(name: name, line: partLine, column: partColumn))
            skipWhitespace()
            guard peek() == Byte.dot else { break }
            advance()
        }
        return TOMLKey(parts: parts)
    }

    // MARK: Whitespace, comments, newlines

    /// Skips spaces and tabs.
    mutating func skipWhitespace() {
        while let byte = peek(), byte == Byte.space || byte == Byte.tab {
            advance()
        }
    }

    /// Skips whitespace, comments and newlines (inside arrays).
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
        while let byte = peek() {
            switch byte {
            case Byte.space, Byte.tab:
                advance()
            case Byte.newline, Byte.carriageReturn:
                try consumeNewline()
            case Byte.hash:
                try skipComment()
            default:
                return
            }
        }
    }

    /// After an expression: optional whitespace and comment, then a newline or the end of the document.
    mutating func expectEndOfLine() throws(TOMLError) {
        skipWhitespace()
        if peek() == Byte.hash {
            try skipComment()
        }
        guard peek() != nil else { return }
        guard peek() == Byte.newline || peek() == Byte.carriageReturn else {
            throw syntaxError("expected a newline or a comment, found \(describeNext())")
        }
        try consumeNewline()
    }

    /// `\n` or `\r\n`.
    mutating func consumeNewline() throws(TOMLError) {
        if peek() == Byte.carriageReturn {
            guard peek(1) == Byte.newline else {
                throw syntaxError("a carriage return must be followed by a line feed")
            }
            advance()
        }
        advance()
    }

    /// `# ...` up to (not including) the end of the line.
    mutating func skipComment() throws(TOMLError) {
        advance()
        while let byte = peek(), byte != Byte.newline {
            if byte == Byte.carriageReturn && peek(1) == Byte.newline {
                return
            }
            if Byte.isForbiddenControl(byte) {
                throw controlCharacterError(byte, in: "a comment")
            }
            advance()
        }
    }

    // MARK: Cursor

    /// The byte `offset` past the cursor, or `nil` at the end.
    func peek(_ offset: Int = 0) -> UInt8? {
        let position = index + offset
        return position < bytes.count ? bytes[position] : nil
    }

    /// Whether the bytes at the cursor are `prefix`.
    func lookingAt(_ prefix: String) -> Bool {
        var position = index
        for byte in prefix.utf8 {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
        }
        return true
    }

    /// Moves past one byte, counting lines.
    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] == Byte.newline {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
    }

    /// The 1-based column of the cursor, in Unicode scalars.
    var column: Int {
        var count = 1
        var position = lineStart
        while position < index && position < bytes.count {
            if bytes[position] & 0xC0 != 0x80 {
                count += 1
            }
            position += 1
        }
        return count
    }

    // MARK: Errors

    /// A syntax error at the cursor.
    func syntaxError(_ message: String) -> TOMLError {
        .invalidSyntax(message, line: line, column: column)
    }

    /// The next character, quoted, for messages: `'x'`, `end of file`, `newline`.
    func describeNext() -> String {
        guard let byte = peek() else { return "end of file" }
        switch byte {
        case Byte.newline, Byte.carriageReturn:
            return "end of line"
        case 0x20..<0x7F:
            return "'\(Character(Unicode.Scalar(byte)))'"
        default:
            var end = index + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 {
                end += 1
            }
            if byte < 0x20 || byte == 0x7F {
                return "control character U+\(Self.hex(UInt32(byte)))"
            }
            return "'\(String(decoding: bytes[index..<end], as: UTF8.self))'"
        }
    }

    /// An error for a control character that TOML forbids in `place`.
    func controlCharacterError(_ byte: UInt8, in place: String) -> TOMLError {
        syntaxError("control character U+\(Self.hex(UInt32(byte))) is not allowed in \(place)")
    }

    /// `value` as at least four upper-case hex digits.
    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Byte constants.
    enum Byte {
        static let tab = UInt8(ascii: "\t")
        static let newline = UInt8(ascii: "\n")
        static let carriageReturn = UInt8(ascii: "\r")
        static let space = UInt8(ascii: " ")
        static let quote = UInt8(ascii: "\"")
        static let hash = UInt8(ascii: "#")
        static let apostrophe = UInt8(ascii: "'")
        static let plus = UInt8(ascii: "+")
        static let comma = UInt8(ascii: ",")
        static let minus = UInt8(ascii: "-")
        static let dot = UInt8(ascii: ".")
        static let equals = UInt8(ascii: "=")
        static let openBracket = UInt8(ascii: "[")
        static let backslash = UInt8(ascii: "\\")
        static let closeBracket = UInt8(ascii: "]")
        static let underscore = UInt8(ascii: "_")
        static let openBrace = UInt8(ascii: "{")
        static let closeBrace = UInt8(ascii: "}")

        /// Control characters TOML forbids in strings and comments: everything below U+0020 but tab, and DEL.
        /// Line breaks are handled by the callers.
        static func isForbiddenControl(_ byte: UInt8) -> Bool {
            (byte < 0x20 && byte != tab) || byte == 0x7F
        }

        /// `0`-`9`.
        static func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }
    }
}

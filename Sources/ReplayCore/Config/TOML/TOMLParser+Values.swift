extension TOMLParser {
    /// Any value, positioned on its first character.
    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        let (valueLine, valueColumn) = (line, column)
        let kind: TOMLValue.Kind
        switch peek() {
        case nil:
            throw syntaxError("expected a value, found end of file")
        case Byte.quote:
            kind = .string(lookingAt("\"\"\"") ? try parseMultilineBasicString() : try parseBasicString())
        case Byte.apostrophe:
            kind = .string(lookingAt("'''") ? try parseMultilineLiteralString() : try parseLiteralString())
        case Byte.openBracket:
            kind = .array(try parseArray())
        case Byte.openBrace:
            kind = .table(try parseInlineTable())
        case Byte.newline, Byte.carriageReturn, Byte.hash:
            throw syntaxError("expected a value, found \(describeNext())")
        default:
            kind = try parseBareValue()
        }
        return TOMLValue(kind, line: valueLine, column: valueColumn)
    }

    /// `[ value, value, ]`, with newlines and comments allowed between elements.
    private mutating func parseArray() throws(TOMLError) -> [TOMLValue] {
        advance()
        var elements: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            if peek() == Byte.closeBracket {
                advance()
                return elements
            }
            if peek() == nil {
                throw syntaxError("unterminated array: expected ']'")
            }
            elements.append(try parseValue())
            try skipWhitespaceCommentsAndNewlines()
            switch peek() {
            case Byte.comma:
                advance()
            case Byte.closeBracket:
                advance()
                return elements
            case nil:
                throw syntaxError("unterminated array: expected ',' or ']'")
            default:
                throw syntaxError("expected ',' or ']' after an array element, found \(describeNext())")
            }
        }
    }

    /// `{ key = value, key = value }` on one line, without a trailing comma.
    private mutating func parseInlineTable() throws(TOMLError) -> TOMLTable {
        let builder = TOMLTreeBuilder(line: line, column: column)
        advance()
        skipWhitespace()
        if peek() == Byte.closeBrace {
            advance()
            return builder.finish()
        }
        while true {
            skipWhitespace()
            if peek() == Byte.closeBrace {
                throw syntaxError("a trailing comma is not allowed in an inline table")
            }
            try requireInlineTableContinues()
            let key = try parseKey()
            try expectEquals(after: key)
            try requireInlineTableContinues()
            let value = try parseValue()
            try builder.setValue(value, for: key)
            skipWhitespace()
            switch peek() {
            case Byte.comma:
                advance()
            case Byte.closeBrace:
                advance()
                return builder.finish()
            default:
                try requireInlineTableContinues()
                throw syntaxError("expected ',' or '}' in an inline table, found \(describeNext())")
            }
        }
    }

    private func requireInlineTableContinues() throws(TOMLError) {
        switch peek() {
        case nil:
            throw syntaxError("unterminated inline table: expected '}'")
        case Byte.newline, Byte.carriageReturn:
            throw syntaxError("an inline table must be on one line (use a [table] for more keys)")
        default:
            return
        }
    }

    /// A boolean, number or date, positioned on its first character.
    private mutating func parseBareValue() throws(TOMLError) -> TOMLValue.Kind {
        let start = index
        while let byte = peek(), Self.isBareValueByte(byte) {
            advance()
        }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        let tokenColumn = column - token.unicodeScalars.count
        if token.isEmpty {
            throw syntaxError("expected a value, found \(describeNext())")
        }
        switch token {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if Self.looksLikeDateOrTime(token) {
            throw .unsupported(
                "dates and times are not supported; write the value as a string (\"\(token)\")",
                line: line,
                column: tokenColumn
            )
        }
        guard let first = token.utf8.first, Byte.isDigit(first) || first == Byte.plus || first == Byte.minus
        else {
            // Show the whole word, such as `http://x`, not just the part that could start a value.
            var end = index
            while end < bytes.count, !" \t\r\n,]}#".utf8.contains(bytes[end]) {
                end += 1
            }
            let word = String(decoding: bytes[start..<end], as: UTF8.self)
            throw .invalidSyntax(
                "invalid value \(word): strings must be quoted (\(TOMLKey.quote(word)))",
                line: line,
                column: tokenColumn
            )
        }
        return try Self.parseNumber(token, line: line, column: tokenColumn)
    }

    private static func isBareValueByte(_ byte: UInt8) -> Bool {
        TOMLKey.isBareKeyByte(byte) || byte == Byte.plus || byte == Byte.dot || byte == UInt8(ascii: ":")
    }

    /// `1979-05-27...` or `07:32...`.
    private static func looksLikeDateOrTime(_ token: String) -> Bool {
        let bytes = Array(token.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy(Byte.isDigit)
        }
        let isDate = digits(0..<4) && bytes.count > 4 && bytes[4] == Byte.minus
        let isTime = digits(0..<2) && bytes.count > 2 && bytes[2] == UInt8(ascii: ":")
        return isDate || isTime
    }
}

extension TOMLParser {
    /// `"..."`, positioned on the opening quote.
    mutating func parseBasicString() throws(TOMLError) -> String {
        advance()
        var output: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw syntaxError("unterminated string: expected a closing '\"'")
            }
            switch byte {
            case Byte.quote:
                advance()
                return String(decoding: output, as: UTF8.self)
            case Byte.backslash:
                try parseEscape(into: &output)
            case Byte.newline, Byte.carriageReturn:
                throw syntaxError(
                    "unterminated string: a \"...\" string must end on the same line (use \"\"\" for multi-line)"
                )
            default:
                if Byte.isForbiddenControl(byte) {
                    throw controlCharacterError(byte, in: "a string (use an escape such as \\u0000)")
                }
                output.append(byte)
                advance()
            }
        }
    }

    /// `"""..."""`, positioned on the first of the opening quotes.
    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        advance(3)
        try skipNewlineAfterOpeningDelimiter()
        var output: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw syntaxError("unterminated multi-line string: expected a closing '\"\"\"'")
            }
            switch byte {
            case Byte.quote:
                if try consumeQuotes(Byte.quote, into: &output) {
                    return String(decoding: output, as: UTF8.self)
                }
            case Byte.backslash:
                if try skipLineEndingBackslash() {
                    continue
                }
                try parseEscape(into: &output)
            case Byte.newline, Byte.carriageReturn:
                try consumeNewline()
                output.append(Byte.newline)
            default:
                if Byte.isForbiddenControl(byte) {
                    throw controlCharacterError(byte, in: "a string (use an escape such as \\u0000)")
                }
                output.append(byte)
                advance()
            }
        }
    }

    /// `'...'`, positioned on the opening apostrophe.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        advance()
        let start = index
        while true {
            guard let byte = peek() else {
                throw syntaxError("unterminated literal string: expected a closing \"'\"")
            }
            switch byte {
            case Byte.apostrophe:
                let value = String(decoding: bytes[start..<index], as: UTF8.self)
                advance()
                return value
            case Byte.newline, Byte.carriageReturn:
                throw syntaxError(
                    "unterminated literal string: a '...' string must end on the same line (use ''' for multi-line)"
                )
            default:
                if Byte.isForbiddenControl(byte) {
                    throw controlCharacterError(byte, in: "a literal string")
                }
                advance()
            }
        }
    }

    /// `'''...'''`, positioned on the first of the opening apostrophes.
    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        advance(3)
        try skipNewlineAfterOpeningDelimiter()
        var output: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw syntaxError("unterminated multi-line literal string: expected a closing \"'''\"")
            }
            switch byte {
            case Byte.apostrophe:
                if try consumeQuotes(Byte.apostrophe, into: &output) {
                    return String(decoding: output, as: UTF8.self)
                }
            case Byte.newline, Byte.carriageReturn:
                try consumeNewline()
                output.append(Byte.newline)
            default:
                if Byte.isForbiddenControl(byte) {
                    throw controlCharacterError(byte, in: "a literal string")
                }
                output.append(byte)
                advance()
            }
        }
    }

    /// A newline right after `"""` or `'''` is not part of the string.
    private mutating func skipNewlineAfterOpeningDelimiter() throws(TOMLError) {
        if peek() == Byte.newline || (peek() == Byte.carriageReturn && peek(1) == Byte.newline) {
            try consumeNewline()
        }
    }

    /// A run of `quote` inside a multi-line string. Fewer than three are content; three to five close the
    /// string, the extra one or two being content. Returns whether the string ended.
    private mutating func consumeQuotes(_ quote: UInt8, into output: inout [UInt8]) throws(TOMLError) -> Bool {
        var run = 0
        while peek(run) == quote {
            run += 1
        }
        if run < 3 {
            output.append(contentsOf: repeatElement(quote, count: run))
            advance(run)
            return false
        }
        guard run <= 5 else {
            advance(5)
            throw syntaxError("too many quotes: a multi-line string may end with at most two extra quotes")
        }
        output.append(contentsOf: repeatElement(quote, count: run - 3))
        advance(run)
        return true
    }

    /// A `\` followed by optional whitespace and a newline: skips it and all whitespace and newlines after it.
    /// Returns `false` (consuming nothing) when the backslash starts an ordinary escape.
    private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var offset = 1
        while let byte = peek(offset), byte == Byte.space || byte == Byte.tab {
            offset += 1
        }
        guard peek(offset) == Byte.newline || (peek(offset) == Byte.carriageReturn && peek(offset + 1) == Byte.newline)
        else {
            return false
        }
        advance(offset)
        while let byte = peek() {
            switch byte {
            case Byte.space, Byte.tab:
                advance()
            case Byte.newline, Byte.carriageReturn:
                try consumeNewline()
            default:
                return true
            }
        }
        return true
    }

    /// One escape sequence, positioned on the backslash; appends its UTF-8 encoding.
    private mutating func parseEscape(into output: inout [UInt8]) throws(TOMLError) {
        let (escapeLine, escapeColumn) = (line, column)
        advance()
        guard let byte = peek() else {
            throw syntaxError("unterminated string: expected an escape sequence after '\\'")
        }
        let simple: UInt8? =
            switch byte {
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "t"): Byte.tab
            case UInt8(ascii: "n"): Byte.newline
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "r"): Byte.carriageReturn
            case Byte.quote: Byte.quote
            case Byte.backslash: Byte.backslash
            default: nil
            }
        if let simple {
            output.append(simple)
            advance()
            return
        }
        let digitCount: Int
        switch byte {
        case UInt8(ascii: "u"): digitCount = 4
        case UInt8(ascii: "U"): digitCount = 8
        default:
            throw .invalidValue(
                "invalid escape sequence \\\(describeNext().trimmingQuotes); "
                    + "valid escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX",
                line: escapeLine,
                column: escapeColumn
            )
        }
        advance()
        var value: UInt32 = 0
        for _ in 0..<digitCount {
            guard let digit = peek(), let nibble = Self.hexValue(digit) else {
                throw .invalidValue(
                    "invalid Unicode escape: \\\(byte == UInt8(ascii: "u") ? "u" : "U") needs \(digitCount) "
                        + "hexadecimal digits",
                    line: escapeLine,
                    column: escapeColumn
                )
            }
            value = value << 4 | UInt32(nibble)
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw .invalidValue(
                "invalid Unicode escape: U+\(Self.hex(value)) is not a Unicode scalar value",
                line: escapeLine,
                column: escapeColumn
            )
        }
        output.append(contentsOf: String(Character(scalar)).utf8)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// `'x'` → `x`, for quoting a character inside a message.
    fileprivate var trimmingQuotes: String {
        guard count >= 2, first == "'", last == "'" else { return self }
        return String(dropFirst().dropLast())
    }
}

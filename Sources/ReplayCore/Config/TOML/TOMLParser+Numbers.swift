extension TOMLParser {
    /// An integer or float token such as `-1_000`, `0xFF`, `6.02e23` (already known not to be `inf`/`nan`).
    static func parseNumber(_ token: String, line: Int, column: Int) throws(TOMLError) -> TOMLValue.Kind {
        func invalid(_ reason: String) -> TOMLError {
            .invalidValue("invalid number \(token): \(reason)", line: line, column: column)
        }
        let bytes = Array(token.utf8)

        if bytes.count > 2 && bytes[0] == UInt8(ascii: "0") {
            let radix: Int? =
                switch bytes[1] {
                case UInt8(ascii: "x"): 16
                case UInt8(ascii: "o"): 8
                case UInt8(ascii: "b"): 2
                default: nil
                }
            if let radix {
                guard let digits = digitsWithUnderscores(bytes[2...], radix: radix) else {
                    throw invalid("expected base-\(radix) digits, with '_' only between digits")
                }
                guard let value = UInt64(digits, radix: radix), value <= UInt64(Int64.max) else {
                    throw .invalidValue(
                        "integer \(token) does not fit in 64 bits",
                        line: line,
                        column: column
                    )
                }
                return .integer(Int64(value))
            }
        }

        var position = 0
        var text = ""
        if bytes[0] == Byte.plus || bytes[0] == Byte.minus {
            if bytes[0] == Byte.minus {
                text = "-"
            }
            position = 1
        }
        let integerStart = position
        while position < bytes.count && (Byte.isDigit(bytes[position]) || bytes[position] == Byte.underscore) {
            position += 1
        }
        guard let integerPart = digitsWithUnderscores(bytes[integerStart..<position], radix: 10) else {
            throw invalid("expected digits, with '_' only between digits")
        }
        if integerPart.count > 1 && integerPart.hasPrefix("0") {
            throw invalid("leading zeros are not allowed")
        }
        text += integerPart

        var isFloat = false
        if position < bytes.count && bytes[position] == Byte.dot {
            position += 1
            let fractionStart = position
            while position < bytes.count && (Byte.isDigit(bytes[position]) || bytes[position] == Byte.underscore) {
                position += 1
            }
            guard let fraction = digitsWithUnderscores(bytes[fractionStart..<position], radix: 10) else {
                throw invalid("expected digits after '.'")
            }
            text += "." + fraction
            isFloat = true
        }
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            position += 1
            text += "e"
            if position < bytes.count && (bytes[position] == Byte.plus || bytes[position] == Byte.minus) {
                text += bytes[position] == Byte.minus ? "-" : "+"
                position += 1
            }
            let exponentStart = position
            while position < bytes.count && (Byte.isDigit(bytes[position]) || bytes[position] == Byte.underscore) {
                position += 1
            }
            guard let exponent = digitsWithUnderscores(bytes[exponentStart..<position], radix: 10) else {
                throw invalid("expected digits in the exponent")
            }
            text += exponent
            isFloat = true
        }
        guard position == bytes.count else {
            throw invalid("unexpected '\(Character(Unicode.Scalar(bytes[position])))'")
        }

        if isFloat {
            guard let value = Double(text), value.isFinite else {
                throw .invalidValue("float \(token) is out of range", line: line, column: column)
            }
            return .float(value)
        }
        guard let value = Int64(text) else {
            throw .invalidValue("integer \(token) does not fit in 64 bits", line: line, column: column)
        }
        return .integer(value)
    }

    /// The digits with underscores removed, or `nil` when empty, when an underscore is not between two digits,
    /// or when a character is not a digit of `radix`.
    private static func digitsWithUnderscores(_ bytes: ArraySlice<UInt8>, radix: Int) -> String? {
        guard let first = bytes.first, let last = bytes.last, first != Byte.underscore, last != Byte.underscore
        else {
            return nil
        }
        var digits = ""
        var previousWasUnderscore = false
        for byte in bytes {
            if byte == Byte.underscore {
                if previousWasUnderscore { return nil }
                previousWasUnderscore = true
                continue
            }
            previousWasUnderscore = false
            let character = Character(Unicode.Scalar(byte))
            guard let value = character.hexDigitValue, value < radix else { return nil }
            digits.append(character)
        }
        return digits
    }
}

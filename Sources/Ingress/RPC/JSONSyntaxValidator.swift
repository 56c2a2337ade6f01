/// Checks that bytes are exactly one JSON text as RFC 8259 defines it, before `JSONDecoder` reads them.
///
/// `JSONDecoder` is lenient in places (it accepts a trailing comma in an array), and JSON-RPC must answer −32700
/// to anything that is not JSON. This check is strict: UTF-8 only (no byte order mark), no trailing commas, no
/// comments, no leading zeros, no lone surrogate escapes, and at most `maxDepth` nested arrays and objects, which
/// also bounds the recursion of every later pass over the value.
struct JSONSyntaxValidator {
    /// Where and why the text is not JSON.
    struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The byte offset of the problem.
        var offset: Int
        /// What was wrong.
        var reason: String

        var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    private let bytes: [UInt8]
    private let maxDepth: Int
    private var position = 0

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Throws unless `bytes` are one JSON value, optionally surrounded by whitespace.
    static func validate(_ bytes: [UInt8], maxDepth: Int) throws(Failure) {
        var validator = JSONSyntaxValidator(bytes: bytes, maxDepth: maxDepth)
        validator.skipWhitespace()
        try validator.value(depth: 0)
        validator.skipWhitespace()
        guard validator.position == bytes.count else { throw validator.failure("unexpected data after the value") }
    }

    private mutating func value(depth: Int) throws(Failure) {
        guard position < bytes.count else { throw failure("expected a value, found the end of the body") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw failure("expected a value")
        }
    }

    private mutating func object(depth: Int) throws(Failure) {
        guard depth <= maxDepth else { throw failure("arrays and objects nest deeper than \(maxDepth)") }
        position += 1
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { return }
        while true {
            guard peek(UInt8(ascii: "\""), consume: false) else { throw failure("expected a member name") }
            try string()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw failure("expected \":\" after a member name") }
            skipWhitespace()
            try value(depth: depth)
            skipWhitespace()
            if peek(UInt8(ascii: "}")) { return }
            guard peek(UInt8(ascii: ",")) else { throw failure("expected \",\" or \"}\" in an object") }
            skipWhitespace()
        }
    }

    private mutating func array(depth: Int) throws(Failure) {
        guard depth <= maxDepth else { throw failure("arrays and objects nest deeper than \(maxDepth)") }
        position += 1
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { return }
        while true {
            try value(depth: depth)
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { return }
            guard peek(UInt8(ascii: ",")) else { throw failure("expected \",\" or \"]\" in an array") }
            skipWhitespace()
        }
    }

    private mutating func string() throws(Failure) {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                try escape()
            case 0x00..<0x20:
                throw failure("a control character must be escaped in a string")
            case 0x80...:
                try utf8Sequence()
            default:
                position += 1
            }
        }
        throw failure("unterminated string")
    }

    /// One escape sequence, `position` at its backslash. A `\u` high surrogate must be followed by a low one.
    private mutating func escape() throws(Failure) {
        position += 1
        guard position < bytes.count else { throw failure("unterminated string") }
        switch bytes[position] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            let unit = try hexQuad()
            if (0xDC00...0xDFFF).contains(unit) { throw failure("unpaired low surrogate in a \\u escape") }
            guard (0xD800...0xDBFF).contains(unit) else { return }
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw failure("unpaired high surrogate in a \\u escape") }
            position += 1
            guard (0xDC00...0xDFFF).contains(try hexQuad()) else {
                throw failure("unpaired high surrogate in a \\u escape")
            }
        default:
            throw failure("invalid escape sequence")
        }
    }

    /// One multi-byte UTF-8 sequence, `position` at its lead byte: no overlong forms, surrogates or values above
    /// U+10FFFF (RFC 3629).
    private mutating func utf8Sequence() throws(Failure) {
        let lead = bytes[position]
        let second: ClosedRange<UInt8>
        let length: Int
        switch lead {
        case 0xC2...0xDF: (second, length) = (0x80...0xBF, 2)
        case 0xE0: (second, length) = (0xA0...0xBF, 3)
        case 0xE1...0xEC, 0xEE...0xEF: (second, length) = (0x80...0xBF, 3)
        case 0xED: (second, length) = (0x80...0x9F, 3)
        case 0xF0: (second, length) = (0x90...0xBF, 4)
        case 0xF1...0xF3: (second, length) = (0x80...0xBF, 4)
        case 0xF4: (second, length) = (0x80...0x8F, 4)
        default: throw failure("the body is not valid UTF-8")
        }
        guard position + length <= bytes.count, second.contains(bytes[position + 1]),
            bytes[position + 2..<position + length].allSatisfy({ (0x80...0xBF).contains($0) })
        else { throw failure("the body is not valid UTF-8") }
        position += length
    }

    /// The four hex digits after a `u`, `position` at the `u`; leaves `position` after them.
    private mutating func hexQuad() throws(Failure) -> UInt16 {
        position += 1
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard position < bytes.count, let digit = Self.hexValue(bytes[position]) else {
                throw failure("a \\u escape needs four hex digits")
            }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }

    private mutating func number() throws(Failure) {
        _ = peek(UInt8(ascii: "-"))
        if peek(UInt8(ascii: "0")) {
            if position < bytes.count, Self.isDigit(bytes[position]) {
                throw failure("a number must not have a leading zero")
            }
        } else {
            try digits("a digit")
        }
        if peek(UInt8(ascii: ".")) { try digits("a digit after the decimal point") }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            if !peek(UInt8(ascii: "+")) { _ = peek(UInt8(ascii: "-")) }
            try digits("a digit in the exponent")
        }
    }

    private mutating func digits(_ expected: String) throws(Failure) {
        guard position < bytes.count, Self.isDigit(bytes[position]) else { throw failure("expected \(expected)") }
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        guard bytes[position...].starts(with: word.utf8) else { throw failure("expected a value") }
        position += word.utf8.count
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Whether the next byte is `byte`; consumes it when it is and `consume` is true.
    private mutating func peek(_ byte: UInt8, consume: Bool = true) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        if consume { position += 1 }
        return true
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: position, reason: reason)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

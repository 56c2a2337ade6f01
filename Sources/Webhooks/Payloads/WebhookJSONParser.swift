/// A strict JSON parser (RFC 8259) that builds a ``WebhookJSONValue`` directly, in one pass over the bytes.
///
/// It accepts what `JSONDecoder` accepted for ``WebhookJSONValue`` before it, and gives the same values (the
/// differential tests hold it to that): any value at the top, surrounding whitespace, a leading byte order mark,
/// a comma before a closing bracket or brace (as `JSONDecoder` allows), and a repeated member name keeps its first
/// value. Strings must be valid UTF-8 with no raw control characters, and `\u` escapes must pair their
/// surrogates. Nesting deeper than ``maxDepth`` is refused, so a hostile body cannot exhaust the stack.
///
/// Numbers: a number whose exact decimal value is an integer that fits in an `Int64` is
/// ``WebhookJSONValue/integer(_:)`` (`5`, `5.0`, `7e18`); anything else is ``WebhookJSONValue/number(_:)``, and a
/// number too large for a `Double` is refused. Only for a number with a non-zero fraction and more digits than a
/// `Double` holds does this differ from `JSONDecoder`, which truncated some of those to integers
/// (`-58366352942612786.7`) and not others.
///
/// It exists because decoding the generic value through `JSONDecoder` tried each type in turn, throwing and
/// catching an error for every one that did not match: 5.6% of the webhook door's CPU for bodies of 50 bytes.
struct WebhookJSONParser {
    /// The deepest nesting of arrays and objects accepted.
    static let maxDepth = 512

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses `bytes` as exactly one JSON value.
    ///
    /// - Throws: `malformed_body` when the bytes are not one JSON text.
    static func parse(_ bytes: [UInt8]) throws(WebhookPayloadError) -> WebhookJSONValue {
        var parser = WebhookJSONParser(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Self.invalid }
        return value
    }

    private static let invalid = WebhookPayloadError.malformed("body is not valid JSON")

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(WebhookPayloadError) -> WebhookJSONValue {
        guard index < bytes.count else { throw Self.invalid }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw Self.invalid
        }
    }

    private mutating func literal(
        _ word: StaticString,
        _ value: WebhookJSONValue
    ) throws(WebhookPayloadError) -> WebhookJSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Self.invalid }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw Self.invalid }
        index += count
        return value
    }

    private mutating func enter() throws(WebhookPayloadError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Self.invalid }
    }

    private mutating func object() throws(WebhookPayloadError) -> WebhookJSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [String: WebhookJSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw Self.invalid }
            if bytes[index] == UInt8(ascii: "}"), !members.isEmpty {
                index += 1
                return .object(members)
            }
            guard bytes[index] == UInt8(ascii: "\"") else { throw Self.invalid }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Self.invalid }
            index += 1
            skipWhitespace()
            let member = try value()
            if members[key] == nil { members[key] = member }
            skipWhitespace()
            guard index < bytes.count else { throw Self.invalid }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: throw Self.invalid
            }
        }
    }

    private mutating func array() throws(WebhookPayloadError) -> WebhookJSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [WebhookJSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]"), !elements.isEmpty {
                index += 1
                return .array(elements)
            }
            elements.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw Self.invalid }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw Self.invalid
            }
        }
    }

    /// A string, from its opening quote to past its closing one.
    private mutating func string() throws(WebhookPayloadError) -> String {
        index += 1
        let start = index
        // The common case: no escapes, so the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return try Self.text(bytes[start..<index])
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Self.invalid }
            index += 1
        }
        var decoded = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try Self.text(decoded[...])
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &decoded)
            case 0x00..<0x20:
                throw Self.invalid
            default:
                decoded.append(byte)
                index += 1
            }
        }
        throw Self.invalid
    }

    private static func text(_ utf8: ArraySlice<UInt8>) throws(WebhookPayloadError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw invalid }
        return text
    }

    /// One escape, `index` just past its backslash; appends what it stands for as UTF-8.
    private mutating func escape(into decoded: inout [UInt8]) throws(WebhookPayloadError) {
        guard index < bytes.count else { throw Self.invalid }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hex4())
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { throw Self.invalid }
                index += 2
                let low = UInt32(try hex4())
                guard (0xDC00..<0xE000).contains(low) else { throw Self.invalid }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw Self.invalid
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Self.invalid }
            decoded.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw Self.invalid
        }
    }

    private mutating func hex4() throws(WebhookPayloadError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw Self.invalid }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Self.invalid
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// A number in RFC 8259's grammar: exact `Int64` values become integers, the rest finite doubles.
    private mutating func number() throws(WebhookPayloadError) -> WebhookJSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw Self.invalid }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) {
            skipDigits()
        } else {
            throw Self.invalid
        }
        let integerEnd = index
        var fraction = integerEnd..<integerEnd
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            guard skipDigits() > 0 else { throw Self.invalid }
            fraction = fractionStart..<index
        }
        var exponent: Int? = 0
        let hasExponent =
            index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E"))
        if hasExponent {
            index += 1
            var negative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            guard skipDigits() > 0 else { throw Self.invalid }
            exponent = Int(String(decoding: bytes[exponentStart..<index], as: UTF8.self)).map { negative ? -$0 : $0 }
        }
        if fraction.isEmpty, !hasExponent {
            // The common case, an integer as written: no digit arrays to build.
            if let integer = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) { return .integer(integer) }
        } else if let exponent {
            let digitsStart = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
            let integer = exactInteger(
                negative: digitsStart != start,
                digits: Array(bytes[digitsStart..<integerEnd]) + Array(bytes[fraction]),
                exponent: exponent - fraction.count
            )
            if let integer { return .integer(integer) }
        }
        guard let double = Double(String(decoding: bytes[start..<index], as: UTF8.self)), double.isFinite else {
            throw Self.invalid
        }
        return .number(double)
    }

    /// The `Int64` that `digits` × 10^`exponent` is exactly, if it is one.
    private func exactInteger(negative: Bool, digits: [UInt8], exponent: Int) -> Int64? {
        var digits = digits.drop { $0 == UInt8(ascii: "0") }
        guard !digits.isEmpty else { return 0 }
        if exponent < 0 {
            // The digits the exponent moves past the point must all be zeros.
            guard -exponent <= digits.count, digits.suffix(-exponent).allSatisfy({ $0 == UInt8(ascii: "0") }) else {
                return nil
            }
            digits = digits.dropLast(-exponent)
            guard !digits.isEmpty else { return 0 }
        } else {
            guard digits.count + exponent <= 19 else { return nil }
            digits.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent))
        }
        return Int64((negative ? "-" : "") + String(decoding: digits, as: UTF8.self))
    }

    /// Skips ASCII digits; returns how many.
    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }
}

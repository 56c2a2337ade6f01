/// An independent reader of RFC 9651 structured-field lists (§4.2.1, §4.2.3 to §4.2.6), written from the RFC for
/// tests, so the server's serializer (swift-http-structured-headers) is not checked against itself. Inner lists
/// are refused: the rate-limit fields never use them.
struct StructuredFieldListReader {
    enum Bare: Equatable, CustomStringConvertible {
        case integer(Int64)
        case decimal(Double)
        case string(String)
        case token(String)
        case boolean(Bool)

        var description: String {
            switch self {
            case .integer(let value): "\(value)"
            case .decimal(let value): "\(value)"
            case .string(let value): "\"\(value)\""
            case .token(let value): value
            case .boolean(let value): value ? "?1" : "?0"
            }
        }
    }

    struct Member: Equatable {
        var item: Bare
        var parameters: [(key: String, value: Bare)]

        static func == (left: Member, right: Member) -> Bool {
            left.item == right.item && left.parameters.map(\.key) == right.parameters.map(\.key)
                && left.parameters.map(\.value) == right.parameters.map(\.value)
        }

        func parameter(_ key: String) -> Bare? { parameters.first { $0.key == key }?.value }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let bytes: [UInt8]
    private var position = 0

    private init(_ text: String) { bytes = Array(text.utf8) }

    /// Parses `text` as a List, or throws with the offset where it stops making sense.
    static func parse(_ text: String) throws(Failure) -> [Member] {
        var reader = StructuredFieldListReader(text)
        reader.skip(space: true, tab: false)
        var members: [Member] = []
        while reader.position < reader.bytes.count {
            members.append(try reader.item())
            reader.skip(space: true, tab: true)
            if reader.position >= reader.bytes.count { return members }
            guard reader.bytes[reader.position] == UInt8(ascii: ",") else { throw reader.fail("expected ','") }
            reader.position += 1
            reader.skip(space: true, tab: true)
            if reader.position >= reader.bytes.count { throw reader.fail("trailing ','") }
        }
        return members
    }

    private func fail(_ why: String) -> Failure { Failure(description: "\(why) at byte \(position)") }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skip(space: Bool, tab: Bool) {
        while let byte = current, (space && byte == 0x20) || (tab && byte == 0x09) { position += 1 }
    }

    private mutating func item() throws(Failure) -> Member {
        if current == UInt8(ascii: "(") { throw fail("inner lists are not expected") }
        let bare = try bareItem()
        var parameters: [(key: String, value: Bare)] = []
        while current == UInt8(ascii: ";") {
            position += 1
            skip(space: true, tab: false)
            let key = try key()
            var value = Bare.boolean(true)
            if current == UInt8(ascii: "=") {
                position += 1
                value = try bareItem()
            }
            parameters.removeAll { $0.key == key }
            parameters.append((key, value))
        }
        return Member(item: bare, parameters: parameters)
    }

    private mutating func key() throws(Failure) -> String {
        guard let first = current, Self.isLowercase(first) || first == UInt8(ascii: "*") else {
            throw fail("a key starts with a lowercase letter or '*'")
        }
        var key = ""
        while let byte = current,
            Self.isLowercase(byte) || Self.isDigit(byte) || "_-.*".utf8.contains(byte)
        {
            key.append(Character(Unicode.Scalar(byte)))
            position += 1
        }
        return key
    }

    private mutating func bareItem() throws(Failure) -> Bare {
        guard let byte = current else { throw fail("an item is missing") }
        if byte == UInt8(ascii: "-") || Self.isDigit(byte) { return try number() }
        if byte == UInt8(ascii: "\"") { return try string() }
        if byte == UInt8(ascii: "?") {
            position += 1
            switch current {
            case UInt8(ascii: "1"):
                position += 1
                return .boolean(true)
            case UInt8(ascii: "0"):
                position += 1
                return .boolean(false)
            default: throw fail("a boolean is ?0 or ?1")
            }
        }
        if Self.isAlpha(byte) || byte == UInt8(ascii: "*") {
            var token = ""
            while let next = current, Self.isTokenCharacter(next) {
                token.append(Character(Unicode.Scalar(next)))
                position += 1
            }
            return .token(token)
        }
        throw fail("not the start of an item")
    }

    private mutating func number() throws(Failure) -> Bare {
        var negative = false
        if current == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var digits = ""
        var decimal = false
        while let byte = current {
            if Self.isDigit(byte) {
                digits.append(Character(Unicode.Scalar(byte)))
            } else if byte == UInt8(ascii: "."), !decimal {
                guard digits.count <= 12 else { throw fail("too many integer digits in a decimal") }
                decimal = true
                digits.append(".")
            } else {
                break
            }
            position += 1
            guard digits.count <= (decimal ? 16 : 15) else { throw fail("too many digits") }
        }
        guard let first = digits.first, first != "." else { throw fail("a number needs a digit") }
        if decimal {
            guard !digits.hasSuffix("."), let value = Double(digits) else { throw fail("bad decimal") }
            return .decimal(negative ? -value : value)
        }
        guard let value = Int64(digits) else { throw fail("bad integer") }
        return .integer(negative ? -value : value)
    }

    private mutating func string() throws(Failure) -> Bare {
        position += 1
        var text = ""
        while let byte = current {
            position += 1
            if byte == UInt8(ascii: "\\") {
                guard let escaped = current, escaped == UInt8(ascii: "\\") || escaped == UInt8(ascii: "\"") else {
                    throw fail("bad escape in a string")
                }
                text.append(Character(Unicode.Scalar(escaped)))
                position += 1
            } else if byte == UInt8(ascii: "\"") {
                return .string(text)
            } else if byte < 0x20 || byte > 0x7E {
                throw fail("a string holds only visible ASCII and space")
            } else {
                text.append(Character(Unicode.Scalar(byte)))
            }
        }
        throw fail("an unterminated string")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    private static func isLowercase(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) }
    private static func isAlpha(_ byte: UInt8) -> Bool { isLowercase(byte) || (0x41...0x5A).contains(byte) }
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || "!#$%&'*+-.^_`|~:/".utf8.contains(byte)
    }
}

/// A one-pass check that a segment line is already in the canonical form ``AuditJSON/canonical`` writes, without
/// building an ``AuditJSON`` tree, and where the chain members are in it.
///
/// The scanner is conservative: it accepts only lines that ``AuditJSONParser`` parses and whose canonical form is
/// the line itself (members sorted strictly by the UTF-8 bytes of their names at every level, no whitespace, strings
/// escaped exactly as ``AuditJSON`` writes them and valid UTF-8, integers as `String(Int64)` prints them, at most
/// 32 levels of nesting). It may refuse lines that are canonical (a member name with an escape in it); a refusal
/// only means the verifier takes its slower, tree-based path for that line.
public struct AuditLineScanner {
    /// Where the chain members of a canonical line are. String ranges are the bytes between the quotes, and are set
    /// only for strings without escapes; `nil` means absent, of another type, or escaped.
    public struct Members: Sendable, Hashable {
        /// The value of `seq`, when it is an integer.
        public var seq: Int64?
        /// The contents of `ts`, `kind`, `key_id`, `prev`, `hash` and `mac`.
        public var ts: Range<Int>?
        public var kind: Range<Int>?
        public var keyID: Range<Int>?
        public var prev: Range<Int>?
        public var hash: Range<Int>?
        public var mac: Range<Int>?
        /// The whole `"hash":"…"` and `"mac":"…"` members, from the name's opening quote to the value's closing
        /// quote.
        public var hashMember: Range<Int>?
        public var macMember: Range<Int>?

        /// No members found.
        public init() {}

        /// The parts of the line that make up the canonical form of the record without `hash` and `mac` (what
        /// ``AuditChain`` hashes): the line with those two members, and the comma joining each to a neighbour, cut
        /// out, as three ranges to hash in order. `nil` unless both members are there.
        public func hashInput(lineCount: Int) -> (Range<Int>, Range<Int>, Range<Int>)? {
            guard let hashMember, let macMember, hashMember.upperBound < macMember.lowerBound else { return nil }
            // `hash` sorts before `mac`, so it is never the last member and `mac` never the first.
            let hashFirst = hashMember.lowerBound == 1
            let hashCut =
                hashFirst
                ? hashMember.lowerBound..<(hashMember.upperBound + 1)
                : (hashMember.lowerBound - 1)..<hashMember.upperBound
            let macFirst = hashFirst && macMember.lowerBound == hashCut.upperBound
            let macLast = macMember.upperBound == lineCount - 1
            let macCut: Range<Int>
            if macFirst {
                macCut = macMember.lowerBound..<(macLast ? macMember.upperBound : macMember.upperBound + 1)
            } else {
                macCut = (macMember.lowerBound - 1)..<macMember.upperBound
            }
            return (0..<hashCut.lowerBound, hashCut.upperBound..<macCut.lowerBound, macCut.upperBound..<lineCount)
        }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private var members = Members()

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The chain members of `line` (without its newline) when it is a canonical JSON object; `nil` when it is not
    /// (or the scanner cannot tell).
    public static func scan(_ line: UnsafeBufferPointer<UInt8>) -> Members? {
        var scanner = AuditLineScanner(line)
        guard line.first == UInt8(ascii: "{"), scanner.object(topLevel: true), scanner.index == line.count else {
            return nil
        }
        return scanner.members
    }

    /// ``scan(_:)`` over an array's bytes.
    public static func scan(_ line: [UInt8]) -> Members? {
        line.withUnsafeBufferPointer { scan($0) }
    }

    // What only reads is static or `mutating`: a non-mutating method of `self` called from a mutating one copies
    // the whole scanner, ``Members`` and all, on every call.

    private var current: UInt8? {
        mutating get { index < bytes.count ? bytes[index] : nil }
    }

    private mutating func value(topLevelName name: Range<Int>?, memberStart: Int) -> Bool {
        guard let byte = current else { return false }
        switch byte {
        case UInt8(ascii: "{"): return object(topLevel: false)
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""):
            let start = index + 1
            guard let escaped = string() else { return false }
            if let name, !escaped { record(string: start..<(index - 1), name: name, memberStart: memberStart) }
            return true
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let number = integer() else { return false }
            if let name, Self.matches(name, "seq", in: bytes) { members.seq = number }
            return true
        default: return false
        }
    }

    private mutating func record(string range: Range<Int>, name: Range<Int>, memberStart: Int) {
        switch name.count {
        case 2 where Self.matches(name, "ts", in: bytes): members.ts = range
        case 4 where Self.matches(name, "kind", in: bytes): members.kind = range
        case 4 where Self.matches(name, "prev", in: bytes): members.prev = range
        case 4 where Self.matches(name, "hash", in: bytes):
            members.hash = range
            members.hashMember = memberStart..<(range.upperBound + 1)
        case 3 where Self.matches(name, "mac", in: bytes):
            members.mac = range
            members.macMember = memberStart..<(range.upperBound + 1)
        case 6 where Self.matches(name, "key_id", in: bytes): members.keyID = range
        default: break
        }
    }

    private static func matches(_ range: Range<Int>, _ word: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool
    {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let pointer = word.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] { return false }
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count, Self.matches(index..<(index + count), word, in: bytes) else { return false }
        index += count
        return true
    }

    /// An integer exactly as `String(Int64)` writes it.
    private mutating func integer() -> Int64? {
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        var magnitude: UInt64 = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        let digits = index - digitsStart
        guard digits > 0, bytes[digitsStart] != UInt8(ascii: "0") || digits == 1 else { return nil }
        if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            return nil
        }
        if negative {
            guard magnitude != 0, magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A string escaped exactly as ``AuditJSON`` writes it; whether it had escapes, or `nil` when it is not
    /// canonical.
    private mutating func string() -> Bool? {
        index += 1
        var escaped = false
        while true {
            index = Self.endOfPlainText(from: index, in: bytes)
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                escaped = true
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                    UInt8(ascii: "b"), UInt8(ascii: "f"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard bytes.count - index >= 6, bytes[index + 2] == UInt8(ascii: "0"),
                        bytes[index + 3] == UInt8(ascii: "0"),
                        let high = Self.lowerHex(bytes[index + 4]), high < 2, let low = Self.lowerHex(bytes[index + 5])
                    else { return nil }
                    switch high << 4 | low {
                    case 0x08, 0x09, 0x0A, 0x0C, 0x0D: return nil
                    default: index += 6
                    }
                default: return nil
                }
            case 0..<0x20: return nil
            case 0x20..<0x80: index += 1
            default:
                guard utf8Sequence() else { return nil }
            }
        }
    }

    /// The index of the first byte from `start` on that is not printable ASCII other than `"` and `\`, or
    /// `bytes.count`: most of a line, read eight bytes at a time.
    private static func endOfPlainText(from start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while bytes.count - index >= 8,
                !hasSpecialByte(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            {
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { break }
            index += 1
        }
        return index
    }

    /// Whether one of the eight bytes of `word` is below 0x20, at least 0x80, `"` or `\` (exact: the tests for a
    /// byte below a bound or equal to zero have no false negatives and, for "there is one", no false positives).
    private static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ value: UInt64, _ bound: UInt64) -> Bool {
            (value &- ones &* bound) & ~value & highs != 0
        }
        return word & highs != 0 || hasByteBelow(word, 0x20) || hasByteBelow(word ^ (ones &* 0x22), 1)
            || hasByteBelow(word ^ (ones &* 0x5C), 1)
    }

    private static func lowerHex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// One well-formed UTF-8 sequence of two to four bytes (no overlong forms, surrogates or values past U+10FFFF).
    private mutating func utf8Sequence() -> Bool {
        let lead = bytes[index]
        let count: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0:
            count = 3
            lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED:
            count = 3
            upper = 0x9F
        case 0xF0:
            count = 4
            lower = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4:
            count = 4
            upper = 0x8F
        default: return false
        }
        guard bytes.count - index >= count else { return false }
        let second = bytes[index + 1]
        guard second >= lower, second <= upper else { return false }
        for offset in 2..<max(2, count) where bytes[index + offset] & 0xC0 != 0x80 { return false }
        index += count
        return true
    }

    private mutating func enter() -> Bool {
        depth += 1
        return depth <= 32
    }

    private mutating func array() -> Bool {
        guard enter() else { return false }
        defer { depth -= 1 }
        index += 1
        if current == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            guard value(topLevelName: nil, memberStart: index) else { return false }
            guard let byte = current else { return false }
            index += 1
            if byte == UInt8(ascii: "]") { return true }
            guard byte == UInt8(ascii: ",") else { return false }
        }
    }

    private mutating func object(topLevel: Bool) -> Bool {
        guard enter() else { return false }
        defer { depth -= 1 }
        index += 1
        if current == UInt8(ascii: "}") {
            index += 1
            return true
        }
        var previous: Range<Int>?
        while true {
            let memberStart = index
            guard current == UInt8(ascii: "\""), let escaped = string(), !escaped else { return false }
            let name = (memberStart + 1)..<(index - 1)
            if let previous, !Self.precedes(previous, name, in: bytes) { return false }
            previous = name
            guard current == UInt8(ascii: ":") else { return false }
            index += 1
            guard value(topLevelName: topLevel ? name : nil, memberStart: memberStart) else { return false }
            guard let byte = current else { return false }
            index += 1
            if byte == UInt8(ascii: "}") { return true }
            guard byte == UInt8(ascii: ",") else { return false }
        }
    }

    /// Whether the bytes of `a` sort strictly before those of `b`.
    private static func precedes(_ a: Range<Int>, _ b: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        for offset in 0..<common {
            let x = bytes[a.lowerBound + offset]
            let y = bytes[b.lowerBound + offset]
            if x != y { return x < y }
        }
        return a.count < b.count
    }
}

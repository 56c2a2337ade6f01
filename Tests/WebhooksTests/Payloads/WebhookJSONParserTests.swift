import Foundation
import Testing

@testable import Webhooks

/// The direct JSON parser against `JSONDecoder`, which parsed webhook bodies before it: on hand-picked edge cases,
/// and on thousands of generated documents and their corruptions, both must accept the same texts and give the
/// same values.
@Suite struct WebhookJSONParserTests {
    /// What `JSONDecoder` makes of `bytes` through `WebhookJSONValue`'s `Decodable` conformance (`nil`: refused).
    private static func decoded(_ bytes: [UInt8]) -> WebhookJSONValue? {
        try? JSONDecoder().decode(WebhookJSONValue.self, from: Data(bytes))
    }

    private static func parsed(_ bytes: [UInt8]) -> WebhookJSONValue? {
        try? WebhookJSONParser.parse(bytes)
    }

    /// Whether `bytes` hold a number with a fraction or an exponent and more than 15 digits: where its fraction
    /// is not zero the parser gives the nearest `Double`, and `JSONDecoder` truncated some to integers and not
    /// others (see `aLongNumberWithAFractionIsTheNearestDouble`).
    private static func hasLongInexactNumber(_ bytes: [UInt8]) -> Bool {
        var digits = 0
        var inexact = false
        for byte in bytes + [0x20] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): inexact = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"): break
            default:
                if inexact, digits > 15 { return true }
                digits = 0
                inexact = false
            }
        }
        return false
    }

    private static func expectSame(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        guard !hasLongInexactNumber(bytes) else {
            _ = parsed(bytes)
            return
        }
        let expected = decoded(bytes)
        let actual = parsed(bytes)
        #expect(
            actual == expected,
            "\(String(decoding: bytes, as: UTF8.self).debugDescription): parser \(String(describing: actual)), JSONDecoder \(String(describing: expected))",
            sourceLocation: sourceLocation
        )
    }

    static let edgeCases: [String] = [
        "", " ", "null", "true", "false", "nul", "truex", "0", "-0", "-", "01", "1.", ".5", "1.5", "5.0", "1e0", "-0e5",
        "1e2", "1E+2",
        "1e-2", "-1.25e3", "1e999", "-1e999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "12345678901234567890123", "0.1", "2.5e-324", "\"\"", "\"a\"", "\"\\u00e9\"",
        "\"é\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"", "\"\\u12\"", "\"\\x\"",
        "\"\\/\\b\\f\\n\\r\\t\\\\\\\"\"", "\"a\tb\"", "\"a\u{01}b\"", "\"unterminated", "[]", "[ ]", "[1,]", "[,1]",
        "[1 2]", "[1,[2,[3]]]", "{}", "{ }", "{\"a\":1}", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1,\"a\":2}",
        "{\"a\":{\"b\":[true,null,\"c\"]}}", " {\"a\" : 1 } ", "{\"a\":1} x", "[1]]", "\u{FEFF}{}", "{\"\\u0000\":0}",
        "\"\\u0000\"", "[-0.0]", "[1.0e0]", "{\"n\":-5.5,\"i\":42}", "\r\n\t[1]\r\n", "[1,,]", "{,}", "[,]",
        "{\"a\":1,,}", "[[1,],]", "\u{FEFF}", "\u{FEFF}\u{FEFF}{}", "[1]\u{FEFF}",
    ]

    @Test(arguments: edgeCases) func anEdgeCaseParsesAsJSONDecoderDidOrFailsAsItDid(_ text: String) {
        Self.expectSame(Array(text.utf8))
    }

    @Test func aLongNumberWithAFractionIsTheNearestDouble() throws {
        #expect(try WebhookJSONParser.parse(Array("-58366352942612786.7".utf8)) == .number(-58366352942612786.7))
        #expect(
            try WebhookJSONParser.parse(Array("110132076474322949.31234".utf8)) == .number(110132076474322949.31234)
        )
        #expect(try WebhookJSONParser.parse(Array("9007199254740993.0".utf8)) == .integer(9_007_199_254_740_993))
        #expect(try WebhookJSONParser.parse(Array("7e18".utf8)) == .integer(7_000_000_000_000_000_000))
        #expect(try WebhookJSONParser.parse(Array("1.50e1".utf8)) == .integer(15))
        #expect(try WebhookJSONParser.parse(Array("1.5".utf8)) == .number(1.5))
        #expect(try WebhookJSONParser.parse(Array("9007199254740993".utf8)) == .integer(9_007_199_254_740_993))
        #expect(Self.hasLongInexactNumber(Array("[1234567890123456.5]".utf8)))
        #expect(!Self.hasLongInexactNumber(Array("[1234567890123456, 1.5]".utf8)))
    }

    @Test func invalidUTF8InAStringIsRefusedByBoth() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        Self.expectSame(bytes)
        #expect(Self.parsed(bytes) == nil)
    }

    @Test func generatedDocumentsAndTheirCorruptionsAgreeWithJSONDecoder() {
        var random = SplitMix64(seed: 0x5EED_1234)
        var checked = 0
        for _ in 0..<1500 {
            let text = Self.document(&random, depth: 0)
            let bytes = Array(text.utf8)
            Self.expectSame(bytes)
            #expect(Self.parsed(bytes) != nil, "a generated document parses: \(text.debugDescription)")
            checked += 1
            // Corruptions: truncated, one byte replaced, one byte inserted.
            guard !bytes.isEmpty else { continue }
            let cut = Int(random.next() % UInt64(bytes.count))
            Self.expectSame(Array(bytes[..<cut]))
            var replaced = bytes
            replaced[Int(random.next() % UInt64(bytes.count))] = Self.noise(&random)
            Self.expectSame(replaced)
            var inserted = bytes
            inserted.insert(Self.noise(&random), at: Int(random.next() % UInt64(bytes.count + 1)))
            Self.expectSame(inserted)
            checked += 3
        }
        #expect(checked == 6000)
    }

    @Test func nestingIsBoundedSoAHostileBodyCannotExhaustTheStack() {
        let shallow = Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)
        #expect(Self.parsed(shallow) != nil)
        Self.expectSame(shallow)
        let deep = Array(
            (String(repeating: "[", count: WebhookJSONParser.maxDepth + 1)
                + String(repeating: "]", count: WebhookJSONParser.maxDepth + 1)).utf8
        )
        #expect(Self.parsed(deep) == nil)
        let hostile = Array(String(repeating: "{\"a\":[", count: 100_000).utf8)
        #expect(Self.parsed(hostile) == nil)
    }

    @Test func theParsedValueIsWhatThePayloadsRead() throws {
        let value = try WebhookJSONValue(
            parsing: Array(#"{"run_id":"run_1","checkpoint":3,"ratio":0.5,"ok":true}"#.utf8)
        )
        #expect(value["run_id"]?.stringValue == "run_1")
        #expect(value["checkpoint"]?.integerValue == 3)
        #expect(value["ratio"] == .number(0.5))
        #expect(value["ok"]?.boolValue == true)
    }

    // MARK: Generation

    private static let noiseBytes: [UInt8] = Array("{}[]\",:\\ 0-.eEtfnu\u{01}".utf8) + [0xC3, 0xFF, 0x80]

    private static func noise(_ random: inout SplitMix64) -> UInt8 {
        noiseBytes[Int(random.next() % UInt64(noiseBytes.count))]
    }

    private static func space(_ random: inout SplitMix64) -> String {
        ["", "", "", " ", "\n", "\t ", "\r\n"][Int(random.next() % 7)]
    }

    private static func document(_ random: inout SplitMix64, depth: Int) -> String {
        let pick = random.next() % (depth > 3 ? 6 : 8)
        let body: String
        switch pick {
        case 0: body = "null"
        case 1: body = random.next() % 2 == 0 ? "true" : "false"
        case 2: body = number(&random)
        case 3, 4: body = string(&random)
        case 5: body = number(&random)
        case 6:
            let count = Int(random.next() % 4)
            body = "[" + (0..<count).map { _ in document(&random, depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            let count = Int(random.next() % 4)
            let members = (0..<count).map { _ in
                string(&random) + space(&random) + ":" + document(&random, depth: depth + 1)
            }
            body = "{" + members.joined(separator: ",") + "}"
        }
        return space(&random) + body + space(&random)
    }

    private static func number(_ random: inout SplitMix64) -> String {
        switch random.next() % 8 {
        case 0: return String(Int64(bitPattern: random.next()))
        case 1: return String(Int(random.next() % 1000) - 500)
        case 2: return "\(Int(random.next() % 100)).\(Int(random.next() % 1000))"
        case 3: return "\(Int(random.next() % 10))e\(Int(random.next() % 40) - 20)"
        case 4: return "-\(Int(random.next() % 10)).5E+\(Int(random.next() % 5))"
        case 5: return "\(Int(random.next() % 1000)).0"
        case 6: return String(random.next()) + "1234"
        default: return "0"
        }
    }

    private static let pieces = [
        "a", "run_", "é", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\t", " ", "0", "id",
    ]

    private static func string(_ random: inout SplitMix64) -> String {
        let count = Int(random.next() % 5)
        return "\"" + (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined() + "\""
    }
}

/// A small seeded generator, so every run checks the same documents.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

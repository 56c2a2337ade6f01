import Audit
import Crypto
import Testing

/// The verifier's fast path: the canonical-form scanner and the hash input it cuts out of a line.
@Suite struct AuditLineScannerTests {
    private static func scan(_ text: String) -> AuditLineScanner.Members? {
        AuditLineScanner.scan(Array(text.utf8))
    }

    private static func text(_ bytes: [UInt8], _ range: Range<Int>?) -> String? {
        range.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The bytes `hashInput` selects, joined.
    private static func fastHashInput(_ line: [UInt8]) -> [UInt8]? {
        guard let members = AuditLineScanner.scan(line), let parts = members.hashInput(lineCount: line.count) else {
            return nil
        }
        return Array(line[parts.0]) + Array(line[parts.1]) + Array(line[parts.2])
    }

    @Test func canonicalLinesAreAcceptedWithTheirMembers() throws {
        var chain = AuditChain(key: testAuditKey("k"))
        _ = chain.seal(AuditRecord(kind: .lifecycle, stage: "start"), unixNanoseconds: 1_000_000_000_123)
        let sealed = chain.seal(AuditChainFixture.replay(7), unixNanoseconds: 2_000_000_000_000)
        let line = Array(sealed.line.dropLast())
        let json = try AuditJSONParser.parse(line)
        let members = try #require(AuditLineScanner.scan(line))
        #expect(members.seq == 2)
        #expect(Self.text(line, members.ts) == json["ts"]?.stringValue)
        #expect(Self.text(line, members.kind) == "replay")
        #expect(Self.text(line, members.keyID) == testAuditKey("k").id)
        #expect(Self.text(line, members.prev) == json["prev"]?.stringValue)
        #expect(Self.text(line, members.hash) == sealed.head.hash)
        #expect(Self.text(line, members.mac) == json["mac"]?.stringValue)
        #expect(Self.text(line, members.hashMember) == "\"hash\":\"\(sealed.head.hash)\"")
        #expect(Self.text(line, members.macMember)?.hasPrefix("\"mac\":\"") == true)
        #expect(Self.fastHashInput(line) == json.removing(["hash", "mac"]).canonical)

        let plain = try #require(
            Self.scan(#"{"a":[1,-2,true,false,null,{}],"b":"\"\\\n\u001f\u0000é😀","c":-9223372036854775808}"#)
        )
        #expect(plain.seq == nil)
        #expect(Self.scan(#"{}"#) != nil)
        #expect(Self.scan(#"{"seq":9223372036854775807}"#)?.seq == Int64.max)
    }

    @Test func nonCanonicalLinesAreRefused() {
        let refused = [
            #"{"a":1, "b":2}"#, #" {"a":1}"#, #"{"a" :1}"#, #"{"b":1,"a":2}"#, #"{"a":1,"a":2}"#, #"{"a":"\/"}"#,
            #"{"a":"\u0041"}"#, #"{"a":"\u000a"}"#, #"{"a":"\u001F"}"#, #"{"a":"\u00e9"}"#, #"{"a":01}"#,
            #"{"a":-0}"#, #"{"a":+1}"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":1}x"#, #"{"a":1}}"#, #"[1]"#, #""a""#,
            #"{"a":9223372036854775808}"#, #"{"a":-9223372036854775809}"#, #"{"a":tru}"#, #"{"a":"x"#, #"{"a":[1,]}"#,
            #"{"a":{"c":1,"b":2}}"#, #"{"a":1,}"#, #"{"\u0061":1}"#, "{\"a\":\"tab\there\"}",
            String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33),
        ]
        for text in refused {
            #expect(Self.scan(text) == nil, "\(text)")
        }
        let invalidUTF8: [[UInt8]] = [
            [0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3],
            [0x80], [0xE2, 0x82],
        ]
        for bytes in invalidUTF8 {
            let line = Array(#"{"a":""#.utf8) + bytes + Array(#""}"#.utf8)
            #expect(AuditLineScanner.scan(line) == nil, "\(bytes)")
        }
        #expect(Self.scan(String(repeating: #"{"a":"#, count: 31) + "1" + String(repeating: "}", count: 31)) != nil)
    }

    /// The scanner reads plain text eight bytes at a time: a byte that needs a closer look is seen wherever it is
    /// in a word, and the member after the string is still found.
    @Test func everyByteOfALongStringIsChecked() throws {
        let cases: [(bytes: [UInt8], accepted: Bool, escaped: Bool)] = [
            ([0x41], true, false), ([0x7F], true, false), ([0x20], true, false), ([0xC3, 0xA9], true, false),
            ([0xF0, 0x9F, 0x98, 0x80], true, false), ([0x5C, 0x22], true, true), ([0x5C, 0x5C], true, true),
            ([0x5C, 0x6E], true, true), ([0x00], false, false), ([0x1F], false, false), ([0x0A], false, false),
            ([0x22], false, false), ([0x5C], false, false), ([0x80], false, false), ([0xFF], false, false),
            ([0xC3], false, false),
        ]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 40] {
            for position in 0...length {
                for (bytes, accepted, escaped) in cases {
                    let prefix = Array(repeating: UInt8(ascii: "a"), count: position)
                    let suffix = Array(repeating: UInt8(ascii: "c"), count: length - position)
                    let value = prefix + bytes + suffix
                    let line = Array(#"{"kind":""#.utf8) + value + Array(#"","ts":"t"}"#.utf8)
                    let members = AuditLineScanner.scan(line)
                    #expect((members != nil) == accepted, "\(value) in \(length)")
                    guard let members else { continue }
                    #expect(members.kind.map { Array(line[$0]) } == (escaped ? nil : value), "\(value) in \(length)")
                    #expect(Self.text(line, members.ts) == "t", "\(value) in \(length)")
                }
            }
        }
    }

    @Test func hashInputCutsOutHashAndMacWhereverTheyAre() throws {
        for text in [
            #"{"hash":"h","mac":"m"}"#, #"{"hash":"h","mac":"m","z":1}"#, #"{"a":1,"hash":"h","mac":"m"}"#,
            #"{"a":1,"hash":"h","k":2,"mac":"m","z":[3]}"#, #"{"hash":"h","k":{"hash":"x"},"mac":"m"}"#,
        ] {
            let line = Array(text.utf8)
            let expected = try AuditJSONParser.parse(line).removing(["hash", "mac"]).canonical
            #expect(Self.fastHashInput(line) == expected, "\(text)")
        }
        #expect(Self.fastHashInput(Array(#"{"hash":"h"}"#.utf8)) == nil)
    }

    @Test func fastHashEqualsTheChainsHashForRandomRecords() throws {
        var generator = SystemRandomNumberGenerator()
        func maybe(_ value: String) -> String? { Bool.random(using: &generator) ? value : nil }
        func word() -> String {
            let alphabet = Array("aé\"\\\n\t\u{01}\u{7f}z😀 /".unicodeScalars)
            return String(
                String.UnicodeScalarView((0..<Int.random(in: 0...12)).map { _ in alphabet.randomElement() ?? "a" })
            )
        }
        var chain = AuditChain(key: testAuditKey("p"))
        for _ in 0..<500 {
            let record = AuditRecord(
                kind: AuditKind.allCases.randomElement(using: &generator) ?? .replay,
                stage: maybe(word()),
                door: maybe(word()),
                source: maybe(word()),
                actor: Bool.random()
                    ? .init(kind: word(), principal: maybe(word()), uid: Int64.random(in: -5...5)) : nil,
                requestID: maybe(word()),
                force: Bool.random() ? Bool.random() : nil,
                reason: maybe(word()),
                attempt: Bool.random()
                    ? .init(requestID: word(), status: Int.random(in: 100...599), outcome: word()) : nil,
                latencyMicroseconds: Bool.random() ? Int64.random(in: Int64.min...Int64.max) : nil,
                count: Bool.random() ? Int64.random(in: 0...1_000) : nil,
                details: Bool.random()
                    ? [
                        (String(word().unicodeScalars.filter(\.properties.isAlphabetic)), .string(word())),
                        ("n", .array([.int(-1), .null])),
                    ] : []
            )
            let sealed = chain.seal(record, unixNanoseconds: Int64.random(in: 0...4_000_000_000_000_000_000))
            let line = Array(sealed.line.dropLast())
            let input = try #require(Self.fastHashInput(line), "\(String(decoding: line, as: UTF8.self))")
            let json = try AuditJSONParser.parse(line)
            #expect(Array(SHA256.hash(data: input)) == AuditChain.expectedHash(of: json))
            #expect(Hex.encode(SHA256.hash(data: input)) == sealed.head.hash)
        }
    }

    @Test func whateverTheScannerAcceptsIsCanonical() throws {
        var chain = AuditChain(key: testAuditKey("f"))
        let line = Array(chain.seal(AuditChainFixture.replay(3), unixNanoseconds: 5).line.dropLast())
        let bytes: [UInt8] = Array(#" ,:{}[]"\-0129aeu/"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        for _ in 0..<3_000 {
            var mutated = line
            for _ in 0..<Int.random(in: 1...2) {
                let position = Int.random(in: 0..<mutated.count)
                switch Int.random(in: 0..<3) {
                case 0: mutated[position] = bytes.randomElement() ?? 0
                case 1: mutated.insert(bytes.randomElement() ?? 0, at: position)
                default: mutated.remove(at: position)
                }
            }
            guard AuditLineScanner.scan(mutated) != nil else { continue }
            let json = try AuditJSONParser.parse(mutated)
            #expect(json.canonical == mutated, "\(String(decoding: mutated, as: UTF8.self))")
        }
    }
}

import Audit
import Crypto
import Testing

/// The record format: canonical JSON, the chain's hash and MAC, keyed value hashes and checkpoints.
@Suite struct AuditChainTests {
    static let key: AuditKey = {
        do {
            return try AuditKey(material: Array(repeating: UInt8(ascii: "k"), count: 32))
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    @Test func canonicalJSONSortsMembersAndEscapesMinimally() throws {
        let value = AuditJSON.object([
            ("b", .int(-5)), ("a", .string("x\"y\\z\n\u{01}é")), ("c", .array([.bool(true), .null])),
        ])
        #expect(String(decoding: value.canonical, as: UTF8.self) == #"{"a":"x\"y\\z\n\u0001é","b":-5,"c":[true,null]}"#)
        #expect(try AuditJSONParser.parse(value.canonical) == value.sortedForTest)
    }

    @Test func parserRefusesWhatCouldMeanTwoThings() {
        #expect(throws: AuditJSONParser.Failure.self) { try AuditJSONParser.parse(Array(#"{"a":1,"a":2}"#.utf8)) }
        #expect(throws: AuditJSONParser.Failure.self) { try AuditJSONParser.parse(Array(#"{"a":1.5}"#.utf8)) }
        #expect(throws: AuditJSONParser.Failure.self) { try AuditJSONParser.parse(Array(#"{"a":1} x"#.utf8)) }
        #expect(throws: AuditJSONParser.Failure.self) { try AuditJSONParser.parse(Array(#"{"a":01}"#.utf8)) }
    }

    @Test func sealedRecordsChainAndVerify() throws {
        var chain = AuditChain(key: Self.key)
        let first = chain.seal(AuditRecord(kind: .lifecycle, stage: "start"), unixNanoseconds: 1_000_000_000_123)
        let second = chain.seal(AuditRecord(kind: .lifecycle, stage: "stop"), unixNanoseconds: 2_000_000_000_000)
        #expect(first.line.last == 0x0A)
        let one = try AuditJSONParser.parse(first.line.dropLast())
        let two = try AuditJSONParser.parse(second.line.dropLast())
        #expect(one["seq"] == .int(1))
        #expect(two["seq"] == .int(2))
        #expect(one["prev"] == .string(AuditChain.genesis))
        #expect(two["prev"] == one["hash"])
        #expect(one["ts"] == .string("1970-01-01T00:16:40.000000123Z"))
        #expect(one.canonical == Array(first.line.dropLast()), "the line is canonical")
        let hash = AuditChain.expectedHash(of: one)
        #expect(one["hash"] == .string(Hex.encode(hash)))
        #expect(Self.key.verifyMAC(one["mac"]?.stringValue ?? "", hash: hash))
        let other = try AuditKey(material: Array(repeating: UInt8(ascii: "o"), count: 32))
        #expect(!other.verifyMAC(one["mac"]?.stringValue ?? "", hash: hash))
        #expect(one["key_id"] == .string(Self.key.id))
        #expect(Self.key.id != other.id)
    }

    @Test func integersAreWrittenInTheirOneSpelling() {
        for value: Int64 in [0, 7, -1, 10, -10, 1_234_567_890, .max, .min] {
            #expect(String(decoding: AuditJSON.int(value).canonical, as: UTF8.self) == String(value))
        }
    }

    /// `seal` encodes each member once and joins the hashed form and the line from the same bytes: both must be
    /// exactly the canonical forms, whatever the members' names sort around `hash` and `mac`.
    @Test func aSealedLineIsTheCanonicalRecordWithItsHashAndMAC() throws {
        var chain = AuditChain(key: Self.key, instance: "host-\"a\"")
        let record = AuditRecord(
            kind: .replay,
            stage: "answered",
            door: "uds",
            actor: .init(kind: "uds", principal: "al\nice", uid: 1000, gid: -1, pid: .max),
            requestID: "req_1",
            runID: "run_\u{01}1",
            force: false,
            idempotencyKeyHash: Self.key.hashValue("k"),
            decision: "allowed",
            attempt: .init(requestID: "req_1-1", status: 201, outcome: "created"),
            latencyMicroseconds: .min,
            details: [("aa", .null), ("zz", .array([.int(0), .string("\t")])), ("machine", .bool(true))]
        )
        for nanos: Int64 in [0, 1_796_000_000_123_456_789] {
            let sealed = chain.seal(record, unixNanoseconds: nanos)
            #expect(sealed.line.last == 0x0A)
            let parsed = try AuditJSONParser.parse(sealed.line.dropLast())
            #expect(parsed.canonical == Array(sealed.line.dropLast()), "the line is canonical")
            let hash = AuditChain.expectedHash(of: parsed)
            #expect(parsed["hash"] == .string(Hex.encode(hash)))
            #expect(sealed.head.hash == Hex.encode(hash))
            #expect(Self.key.verifyMAC(parsed["mac"]?.stringValue ?? "", hash: hash))
            #expect(parsed["instance"] == .string("host-\"a\""))
            let added: Set<String> = ["instance", "seq", "ts", "key_id", "prev", "hash", "mac"]
            #expect(parsed.removing(added) == record.json.sortedForTest)
        }
    }

    @Test func valueHashesAreKeyedAndStable() throws {
        let value = Self.key.hashValue("idem-key-1")
        #expect(value.hasPrefix("hmac-sha256:"))
        #expect(value.count == "hmac-sha256:".count + 64)
        #expect(value == Self.key.hashValue("idem-key-1"))
        #expect(
            value != (try AuditKey(material: Array(repeating: UInt8(ascii: "o"), count: 32))).hashValue("idem-key-1")
        )
        #expect(!value.contains("idem-key-1"))
    }

    /// The MAC and the value hash set up their HMAC blocks once; they must equal swift-crypto's own HMAC over the
    /// keys derived as documented, for every key length the file may hold (shorter and longer than a block).
    @Test func macsAndValueHashesEqualAReferenceHMAC() throws {
        for length in [32, 63, 64, 65, 200] {
            let material = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let key = try AuditKey(material: material)
            let root = SymmetricKey(data: material)
            func derived(_ label: String) -> SymmetricKey {
                SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8), using: root)))
            }
            for message in ["", "idem-key-1", String(repeating: "é", count: 100)] {
                let reference = HMAC<SHA256>.authenticationCode(
                    for: Array(message.utf8),
                    using: derived("replayd-audit-value-v1")
                )
                #expect(key.hashValue(message) == "hmac-sha256:" + Hex.encode(reference))
            }
            let hash = Array(SHA256.hash(data: material))
            let mac = HMAC<SHA256>.authenticationCode(for: hash, using: derived("replayd-audit-mac-v1"))
            #expect(key.mac(hash: hash) == Hex.encode(mac))
            #expect(key.verifyMAC(Hex.encode(mac), hash: hash))
            #expect(key.verifyMAC(Hex.encode(mac).uppercased(), hash: hash))
            var flipped = Array(mac)
            flipped[31] ^= 1
            #expect(!key.verifyMAC(Hex.encode(flipped), hash: hash))
            #expect(!key.verifyMAC(String(Hex.encode(mac).dropLast(2)), hash: hash))
        }
    }

    @Test func aShortKeyIsRefused() {
        #expect(throws: AuditKey.LoadError.self) { try AuditKey(material: Array(repeating: 0, count: 31)) }
    }

    @Test func checkpointsVerifyOnlyUnderTheirKeyAndNote() throws {
        let signer = Curve25519.Signing.PrivateKey()
        let head = AuditChain.Head(seq: 42, hash: String(repeating: "ab", count: 32))
        let checkpoint = try AuditCheckpoint.sign(origin: "host/replayd", head: head, unixNanoseconds: 0, key: signer)
        #expect(checkpoint.isSigned(by: signer.publicKey))
        #expect(!checkpoint.isSigned(by: Curve25519.Signing.PrivateKey().publicKey))
        var moved = checkpoint
        moved.size = 43
        #expect(!moved.isSigned(by: signer.publicKey))
        #expect(String(decoding: checkpoint.note, as: UTF8.self).hasPrefix("host/replayd\n42\nq6ur"))
        #expect(AuditCheckpoint(json: try AuditJSONParser.parse(checkpoint.json.canonical)) == checkpoint)
    }

    @Test func timestampsRoundTrip() {
        let nanos: Int64 = 1_796_000_000_123_456_789
        let text = AuditTimestamp.format(unixNanoseconds: nanos)
        #expect(AuditTimestamp.parse(text) == nanos)
        let expected: Int64 = 1_795_957_200_000_000_000
        #expect(AuditTimestamp.parse("2026-11-29T13:00:00Z") == expected)
        #expect(AuditTimestamp.parse("yesterday") == nil)
    }

    @Test func base64AndHexRoundTrip() {
        for length in 0..<7 {
            let bytes = (0..<length).map { UInt8($0 * 37 & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9=v") == nil)
    }
}

extension AuditJSON {
    /// The same value with object members sorted, as the parser returns a canonical line.
    var sortedForTest: AuditJSON {
        switch self {
        case .object(let members):
            return .object(
                members.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
                    .map { ($0.0, $0.1.sortedForTest) }
            )
        case .array(let values): return .array(values.map(\.sortedForTest))
        default: return self
        }
    }
}

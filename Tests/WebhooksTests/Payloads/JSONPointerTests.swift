import Testing
import Webhooks

struct JSONPointerTests {
    /// The example document of RFC 6901 §5.
    static let rfcDocument: [UInt8] = Array(
        #"{"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,"k\"l":6," ":7,"m~n":8}"#.utf8
    )

    @Test func resolvesTheRFCExamples() throws {
        let document = try WebhookJSONValue(parsing: Self.rfcDocument)
        let expectations: [(String, WebhookJSONValue)] = [
            ("/foo", .array([.string("bar"), .string("baz")])),
            ("/foo/0", .string("bar")),
            ("/", .integer(0)),
            ("/a~1b", .integer(1)),
            ("/c%d", .integer(2)),
            ("/e^f", .integer(3)),
            ("/g|h", .integer(4)),
            ("/i\\j", .integer(5)),
            ("/k\"l", .integer(6)),
            ("/ ", .integer(7)),
            ("/m~0n", .integer(8)),
        ]
        for (text, expected) in expectations {
            #expect(try JSONPointer(text).resolve(in: document) == expected, "pointer \(text)")
        }
        #expect(try JSONPointer("").resolve(in: document) == document)
    }

    @Test func arrayIndicesAreStrict() throws {
        let document = try WebhookJSONValue(parsing: Array(#"{"items":[{"id":"a"},{"id":"b"}]}"#.utf8))
        #expect(try JSONPointer("/items/1/id").resolve(in: document) == .string("b"))
        #expect(try JSONPointer("/items/01/id").resolve(in: document) == nil)
        #expect(try JSONPointer("/items/-").resolve(in: document) == nil)
        #expect(try JSONPointer("/items/2").resolve(in: document) == nil)
        #expect(try JSONPointer("/items/id").resolve(in: document) == nil)
        #expect(try JSONPointer("/items/0/id/deeper").resolve(in: document) == nil)
    }

    @Test func escapesRoundTrip() throws {
        let pointer = try JSONPointer("/a~1b/m~0n/~01")
        #expect(pointer.tokens == ["a/b", "m~n", "~1"])
        #expect(pointer.description == "/a~1b/m~0n/~01")
        #expect(JSONPointer(tokens: ["run_id"]).description == "/run_id")
    }

    @Test(arguments: ["run_id", "/a~2b", "/trailing~"])
    func malformedPointersAreRefused(text: String) throws {
        let error = try #require(throws: WebhookPayloadError.self) { try JSONPointer(text) }
        #expect(error.code == .invalidPointer)
    }
}

struct WebhookJSONValueTests {
    @Test func keepsIntegersExactAndApartFromOtherNumbers() throws {
        let value = try WebhookJSONValue(
            parsing: Array(#"{"big":9007199254740993,"frac":1.5,"neg":-4,"t":true,"n":null,"s":"é"}"#.utf8)
        )
        #expect(value["big"] == .integer(9_007_199_254_740_993))
        #expect(value["frac"] == .number(1.5))
        #expect(value["neg"] == .integer(-4))
        #expect(value["t"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["s"]?.stringValue == "é")
    }

    @Test func refusesNonJSON() throws {
        let error = try #require(throws: WebhookPayloadError.self) {
            try WebhookJSONValue(parsing: Array("token=abc&team_id=T1".utf8))
        }
        #expect(error.code == .malformedBody)
        #expect(!error.message.contains("abc"))
    }

    @Test func serializesCompactSortedAndEscaped() throws {
        let value = WebhookJSONValue.object([
            "z": .integer(1),
            "a": .array([.null, .bool(false), .number(2.5)]),
            "s": .string("quote\" back\\ nl\n tab\t bell\u{7} é"),
        ])
        let text = String(decoding: value.serialized(), as: UTF8.self)
        #expect(text == #"{"a":[null,false,2.5],"s":"quote\" back\\ nl\n tab\t bell\u0007 é","z":1}"#)
        #expect(try WebhookJSONValue(parsing: value.serialized()) == value)
    }
}

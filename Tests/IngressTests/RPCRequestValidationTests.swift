import Ingress
import Strait
import Testing

/// What is a request, what is a notification, how ids are echoed, and what is not JSON.
@Suite struct RPCRequestValidationTests {
    @Test(arguments: [
        (#""abc""#, #""abc""#),
        (#""""#, #""""#),
        ("7", "7"),
        ("-12", "-12"),
        ("0", "0"),
        ("1.5", "1.5"),
        ("9007199254740993", "9007199254740993"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("18446744073709551615", "18446744073709551615"),
        ("null", "null"),
    ])
    func idsAreEchoedVerbatim(id: String, echoed: String) async throws {
        let rpc = RPCFixture()
        let raw = try #require(
            await rpc.raw(#"{"jsonrpc":"2.0","method":"test.get_data","id":\#(id)}"#)
        )
        #expect(raw == #"{"id":\#(echoed),"jsonrpc":"2.0","result":["hello",5]}"# + "\n")
    }

    @Test(arguments: ["true", "{}", "[1]", #"{"a":1}"#, "1e400"])
    func idsOfAWrongTypeMakeAnInvalidRequestAnsweredWithNull(id: String) async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send(#"{"jsonrpc":"2.0","method":"test.update","id":\#(id)}"#)
        expectError(response, code: -32600)
        #expect(response?["error"]?["message"] == .string(#""id" must be a string, a number or null"#))
        #expect(await rpc.recorder.calls.isEmpty)
    }

    @Test func anExplicitNullIdIsARequestNotANotification() async throws {
        let rpc = RPCFixture()
        expectResult(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"test.subtract","params":[3,1],"id":null}"#),
            .number(2),
            id: .null
        )
    }

    @Test(arguments: [
        (#"{"method":"test.get_data","id":1}"#, #""jsonrpc" must be exactly "2.0""#),
        (#"{"jsonrpc":"1.0","method":"test.get_data","id":1}"#, #""jsonrpc" must be exactly "2.0""#),
        (#"{"jsonrpc":2.0,"method":"test.get_data","id":1}"#, #""jsonrpc" must be exactly "2.0""#),
        (#"{"jsonrpc":"2.0","id":1}"#, #""method" must be a string"#),
        (#"{"jsonrpc":"2.0","method":null,"id":1}"#, #""method" must be a string"#),
        (
            #"{"jsonrpc":"2.0","method":"test.get_data","params":"bar","id":1}"#,
            #""params" must be an array or an object"#
        ),
        (#"{"jsonrpc":"2.0","method":"test.get_data","params":3,"id":1}"#, #""params" must be an array or an object"#),
        (
            #"{"jsonrpc":"2.0","method":"test.get_data","params":null,"id":1}"#,
            #""params" must be an array or an object"#
        ),
    ])
    func invalidRequestsKeepAReadableId(body: String, message: String) async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send(body)
        expectError(response, code: -32600, id: .number(1))
        #expect(response?["error"]?["message"] == .string(message))
    }

    @Test(arguments: ["1", #""text""#, "null", "true"])
    func aTopLevelValueThatIsNotAnObjectIsAnInvalidRequest(body: String) async throws {
        let rpc = RPCFixture()
        expectError(try await rpc.send(body), code: -32600)
    }

    @Test func anInvalidRequestWithoutIdIsStillAnswered() async throws {
        let rpc = RPCFixture()
        expectError(try await rpc.send(#"{"jsonrpc":"2.0","method":"test.update","params":"x"}"#), code: -32600)
        #expect(await rpc.recorder.calls.isEmpty)
    }

    @Test func unknownMembersOfARequestAreIgnored() async throws {
        let rpc = RPCFixture()
        expectResult(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"test.get_data","id":1,"extra":{"x":[1]}}"#),
            .array([.string("hello"), .number(5)]),
            id: .number(1)
        )
    }

    @Test func notificationsGetNoErrorsEither() async throws {
        let rpc = RPCFixture()
        #expect(await rpc.raw(#"{"jsonrpc":"2.0","method":"test.subtract","params":["a"]}"#) == nil)
        #expect(await rpc.raw(#"{"jsonrpc":"2.0","method":"runs.replay","params":{}}"#) == nil)
    }

    @Test(arguments: [
        "",
        " ",
        "[1,]",
        #"{"jsonrpc":"2.0",}"#,
        "[01]",
        "[1.]",
        "[-]",
        "[.5]",
        "[NaN]",
        "[/* comment */ 1]",
        "{} {}",
        "\u{FEFF}{}",
        "[\"tab\tinside\"]",
        #"["\x"]"#,
        #"["\ud800"]"#,
        #"["\udc00"]"#,
        #"["\u12"]"#,
        "{'a':1}",
        "[tru]",
    ])
    func anythingThatIsNotStrictJSONIsAParseError(body: String) async throws {
        let rpc = RPCFixture()
        expectError(try await rpc.send(body), code: -32700)
    }

    @Test(arguments: [[0xFF], [0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D]])
    func invalidUTF8IsAParseError(bytes: [UInt8]) async throws {
        let rpc = RPCFixture()
        let response = try #require(await rpc.server.handle(bytes, context: rpc.context))
        expectError(try json(String(decoding: response, as: UTF8.self)), code: -32700)
    }

    @Test func validEscapesAndUnicodeAreAccepted() async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send(
            #"{"jsonrpc":"2.0","method":"test.echo","params":["r\u00e9\ud83d\ude00 é😀\"\\\/\b\f\n\r\t"],"id":1}"#
        )
        #expect(response?["result"] == .array([.string("ré😀 é😀\"\\/\u{8}\u{C}\n\r\t")]))
    }

    @Test func nestingIsBoundedSoNoPassRecursesWithoutLimit() async throws {
        let rpc = RPCFixture()
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        let response = try await rpc.send(#"{"jsonrpc":"2.0","method":"test.get_data","params":\#(deep),"id":1}"#)
        expectError(response, code: -32700)
        #expect(response?["error"]?["message"]?.stringValue?.contains("deeper than 128") == true)
        let allowed = String(repeating: "[", count: 127) + String(repeating: "]", count: 127)
        expectResult(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"test.get_data","params":\#(allowed),"id":1}"#),
            .array([.string("hello"), .number(5)]),
            id: .number(1)
        )
    }

    @Test func paramsWithANumberBeyondDoubleAreInvalidParams() async throws {
        let rpc = RPCFixture()
        expectError(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"test.sum","params":[1e400],"id":1}"#),
            code: -32602,
            id: .number(1)
        )
        expectError(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"nope","params":[1e400],"id":1}"#),
            code: -32601,
            id: .number(1)
        )
    }
}

import Ingress
import Strait
import Testing

/// Reading params by name and by position, and the −32602 messages that name the parameter.
@Suite struct RPCParamsTests {
    /// The error `read` throws for the params in `text`, or nil.
    private func failure(
        _ text: String,
        _ read: (JSONValue) throws(JSONRPCError) -> Void
    ) throws -> JSONRPCError? {
        let params = try json(text)
        do {
            try read(params)
            return nil
        } catch {
            return error
        }
    }

    /// The error `run` throws, or nil.
    private func failure(_ run: () throws(JSONRPCError) -> Void) -> JSONRPCError? {
        do {
            try run()
            return nil
        } catch {
            return error
        }
    }

    private func replayFailure(_ text: String) throws -> JSONRPCError? {
        try failure(text) { params throws(JSONRPCError) in _ = try RunsReplayParams(params) }
    }

    @Test func namedAndPositionalParamsReadTheSame() throws {
        let named = try RunsReplayParams(
            json(#"{"run_id":"r1","from_checkpoint":3,"idempotency_key":"k-1","force":true}"#)
        )
        let positional = try RunsReplayParams(json(#"["r1", 3, "k-1", true]"#))
        #expect(named == positional)
        #expect(named.runID.rawValue == "r1")
        #expect(named.fromCheckpoint?.value == 3)
        #expect(named.idempotencyKey == "k-1")
        #expect(named.force)
    }

    @Test func optionalParamsMayBeAbsentOrNull() throws {
        let short = try RunsReplayParams(json(#"["r1"]"#))
        #expect(short.fromCheckpoint == nil && short.idempotencyKey == nil && !short.force)
        let skipped = try RunsReplayParams(json(#"["r1", null, null, true]"#))
        #expect(skipped.fromCheckpoint == nil && skipped.force)
        let named = try RunsReplayParams(json(#"{"run_id":"r1","from_checkpoint":null}"#))
        #expect(named.fromCheckpoint == nil)
    }

    @Test(arguments: [
        ("0", "0"), ("-1", "-1"), ("1.5", "1.5"), (#""3""#, "a string"), ("true", "true"),
        ("9007199254740992", "9007199254740992"), ("[]", "an array"),
    ])
    func fromCheckpointMustBeAPositiveInteger(value: String, got: String) throws {
        let error = try replayFailure(#"{"run_id":"r1","from_checkpoint":\#(value)}"#)
        #expect(error?.code == -32602)
        #expect(error?.message == "params.from_checkpoint: expected a positive integer, got \(got)")
        #expect(error?.data == .object(["field": .string("from_checkpoint")]))
    }

    @Test func positionalErrorsNameThePositionAndTheParameter() throws {
        let error = try replayFailure(#"["r1", 0]"#)
        #expect(error?.message == "params[1] (from_checkpoint): expected a positive integer, got 0")
        #expect(error?.data == .object(["field": .string("from_checkpoint")]))
    }

    @Test func aMissingRequiredParameterIsNamed() throws {
        for text in [#"{}"#, #"[]"#, #"{"force":true}"#, #"{"run_id":null}"#] {
            let error = try replayFailure(text)
            #expect(error?.code == -32602)
            #expect(
                error?.message.hasSuffix("run_id): required, expected a string") == true
                    || error?.message == "params.run_id: required, expected a string"
            )
            #expect(error?.data == .object(["field": .string("run_id")]))
        }
        let absent = failure { () throws(JSONRPCError) in _ = try RunsReplayParams(nil) }
        #expect(absent?.message == "params.run_id: required, expected a string")
    }

    @Test func theRunIDRulesOfTheRESTDoorApply() throws {
        let error = try replayFailure(#"{"run_id":"a/b"}"#)
        #expect(error?.code == -32602)
        #expect(error?.message == #"params.run_id: invalid run id "a/b": must not contain "/""#)
        #expect(error?.data == .object(["field": .string("run_id")]))
    }

    @Test(arguments: [#""""#, #""tab\there""#, #""é""#, "7"])
    func idempotencyKeysArePrintableASCII(value: String) throws {
        let error = try replayFailure(#"{"run_id":"r1","idempotency_key":\#(value)}"#)
        #expect(
            error?.message.hasPrefix("params.idempotency_key: expected 1 to 255 printable ASCII characters") == true
        )
        let longKey = String(repeating: "k", count: 256)
        #expect(try replayFailure(#"{"run_id":"r1","idempotency_key":"\#(longKey)"}"#)?.code == -32602)
        #expect(try replayFailure(#"{"run_id":"r1","idempotency_key":"\#(longKey.dropLast())"}"#) == nil)
    }

    @Test func anUnknownMemberIsRefusedSoATypoIsNeverIgnored() throws {
        let error = try replayFailure(#"{"run_id":"r1","from_checkpiont":2}"#)
        #expect(error?.code == -32602)
        #expect(
            error?.message
                == "params.from_checkpiont: unknown parameter; expected run_id, from_checkpoint, idempotency_key, force"
        )
        #expect(error?.data == .object(["field": .string("from_checkpiont")]))
    }

    @Test func tooManyPositionalValuesAreRefused() throws {
        let error = try replayFailure(#"["r1", 1, "k", true, "extra"]"#)
        #expect(
            error?.message
                == "params: expected at most 4 positional values"
                + " (run_id, from_checkpoint, idempotency_key, force), got 5"
        )
    }

    @Test func methodsWithoutParamsAcceptOnlyNothing() throws {
        for text in ["[]", "{}"] {
            #expect(try failure(text) { params throws(JSONRPCError) in try JSONRPCParams.none(params) } == nil)
        }
        #expect(failure { () throws(JSONRPCError) in try JSONRPCParams.none(nil) } == nil)
        let positional = try failure("[1]") { params throws(JSONRPCError) in try JSONRPCParams.none(params) }
        #expect(positional?.message == "params: this method takes no parameters, got 1")
        let named = try failure(#"{"x":1}"#) { params throws(JSONRPCError) in try JSONRPCParams.none(params) }
        #expect(named?.message == "params.x: unknown parameter; this method takes no parameters")
    }

    @Test func replaysGetNeedsAKey() throws {
        #expect(try ReplaysGetParams(json(#"{"key":"k-1"}"#)).key == "k-1")
        #expect(try ReplaysGetParams(json(#"["k-1"]"#)).key == "k-1")
        let error = try failure("{}") { params throws(JSONRPCError) in _ = try ReplaysGetParams(params) }
        #expect(error?.message == "params.key: required, expected 1 to 255 printable ASCII characters")
    }

    @Test func kindsAreStrictAndDoNotCoerce() throws {
        let params = try JSONRPCParams(
            json(#"{"s":"x","b":true,"i":-4,"n":1.5,"o":{},"a":[],"v":null}"#),
            names: ["s", "b", "i", "n", "o", "a", "v"]
        )
        #expect(try params.required("s", .string) == "x")
        #expect(try params.required("b", .bool))
        #expect(try params.required("i", .integer) == -4)
        #expect(try params.required("n", .number) == 1.5)
        #expect(try params.required("o", .object) == [:])
        #expect(try params.required("a", .array) == [])
        #expect(try params.optional("v", .any) == nil)
        #expect(
            failure { () throws(JSONRPCError) in _ = try params.required("s", .bool) }?.message
                == "params.s: expected a boolean, got a string"
        )
        #expect(
            failure { () throws(JSONRPCError) in _ = try params.required("b", .integer) }?.message
                == "params.b: expected an integer, got true"
        )
        #expect(
            failure { () throws(JSONRPCError) in _ = try params.required("n", .integer) }?.message
                == "params.n: expected an integer, got 1.5"
        )
    }

    @Test func theRunsReplayStubSeesParamsAndContextThroughTheServer() async throws {
        let rpc = RPCFixture()
        expectResult(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"runs.replay","params":["r1",2,"k",false],"id":1}"#),
            try json(
                #"{"run_id":"r1","from_checkpoint":2,"idempotency_key":"k","force":false,"principal":"alice"}"#
            ),
            id: .number(1)
        )
        let response = try await rpc.send(
            #"{"jsonrpc":"2.0","method":"runs.replay","params":{"run_id":"r1","from_checkpoint":0},"id":2}"#
        )
        expectError(response, code: -32602, id: .number(2))
        #expect(response?["error"]?["message"] == .string("params.from_checkpoint: expected a positive integer, got 0"))
        #expect(response?["error"]?["data"] == .object(["field": .string("from_checkpoint")]))
    }
}

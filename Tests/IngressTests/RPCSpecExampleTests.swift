import Ingress
import Strait
import Testing

/// The "Examples" section of the JSON-RPC 2.0 specification, with its methods renamed into the `test.` namespace.
@Suite struct RPCSpecExampleTests {
    @Test func callWithPositionalParameters() async throws {
        let rpc = RPCFixture()
        expectResult(
            try await rpc.send(#"{"jsonrpc": "2.0", "method": "test.subtract", "params": [42, 23], "id": 1}"#),
            .number(19),
            id: .number(1)
        )
        expectResult(
            try await rpc.send(#"{"jsonrpc": "2.0", "method": "test.subtract", "params": [23, 42], "id": 2}"#),
            .number(-19),
            id: .number(2)
        )
    }

    @Test func callWithNamedParameters() async throws {
        let rpc = RPCFixture()
        expectResult(
            try await rpc.send(
                #"{"jsonrpc": "2.0", "method": "test.subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#
            ),
            .number(19),
            id: .number(3)
        )
        expectResult(
            try await rpc.send(
                #"{"jsonrpc": "2.0", "method": "test.subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#
            ),
            .number(19),
            id: .number(4)
        )
    }

    @Test func notificationsAreRunAndNotAnswered() async throws {
        let rpc = RPCFixture()
        #expect(await rpc.raw(#"{"jsonrpc": "2.0", "method": "test.update", "params": [1,2,3,4,5]}"#) == nil)
        #expect(await rpc.raw(#"{"jsonrpc": "2.0", "method": "foobar"}"#) == nil)
        #expect(await rpc.recorder.calls == ["test.update"])
    }

    @Test func callOfANonExistentMethod() async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#)
        expectError(response, code: -32601, id: .string("1"))
        #expect(response?["error"]?["data"]?["method"] == .string("foobar"))
    }

    @Test func callWithInvalidJSON() async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)
        expectError(response, code: -32700)
        #expect(response?["error"]?["message"]?.stringValue?.hasPrefix("invalid JSON at byte ") == true)
    }

    @Test func callWithAnInvalidRequestObject() async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#)
        expectError(response, code: -32600)
        #expect(response?["error"]?["message"] == .string(#""method" must be a string"#))
    }

    @Test func batchWithInvalidJSON() async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send(
            """
            [
              {"jsonrpc": "2.0", "method": "test.sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method"
            ]
            """
        )
        expectError(response, code: -32700)
        #expect(await rpc.recorder.calls.isEmpty)
    }

    @Test func emptyBatchIsOneErrorObjectNotAnArray() async throws {
        let rpc = RPCFixture()
        let response = try await rpc.send("[]")
        #expect(response?.elements == nil)
        expectError(response, code: -32600)
    }

    @Test func invalidBatchOfOne() async throws {
        let rpc = RPCFixture()
        let responses = try #require(try await rpc.send("[1]")?.elements)
        #expect(responses.count == 1)
        expectError(responses.first, code: -32600)
    }

    @Test func invalidBatchOfThree() async throws {
        let rpc = RPCFixture()
        let responses = try #require(try await rpc.send("[1,2,3]")?.elements)
        #expect(responses.count == 3)
        for response in responses { expectError(response, code: -32600) }
    }

    @Test func mixedBatch() async throws {
        let rpc = RPCFixture()
        let responses = try #require(
            try await rpc.send(
                """
                [
                    {"jsonrpc": "2.0", "method": "test.sum", "params": [1,2,4], "id": "1"},
                    {"jsonrpc": "2.0", "method": "test.notify_hello", "params": [7]},
                    {"jsonrpc": "2.0", "method": "test.subtract", "params": [42,23], "id": "2"},
                    {"foo": "boo"},
                    {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
                    {"jsonrpc": "2.0", "method": "test.get_data", "id": "9"}
                ]
                """
            )?.elements
        )
        try #require(responses.count == 5)
        expectResult(responses[0], .number(7), id: .string("1"))
        expectResult(responses[1], .number(19), id: .string("2"))
        expectError(responses[2], code: -32600)
        expectError(responses[3], code: -32601, id: .string("5"))
        expectResult(responses[4], .array([.string("hello"), .number(5)]), id: .string("9"))
        #expect(await rpc.recorder.calls == ["test.notify_hello"])
    }

    @Test func batchOfNotificationsOnlyIsNotAnswered() async throws {
        let rpc = RPCFixture()
        let body = """
            [
                {"jsonrpc": "2.0", "method": "test.notify_sum", "params": [1,2,4]},
                {"jsonrpc": "2.0", "method": "test.notify_hello", "params": [7]}
            ]
            """
        #expect(await rpc.raw(body) == nil)
        #expect(await rpc.recorder.calls.sorted() == ["test.notify_hello", "test.notify_sum"])
    }
}

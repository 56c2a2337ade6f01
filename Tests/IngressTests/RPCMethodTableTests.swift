import Ingress
import Strait
import Testing

/// Registering methods, and what a handler receives.
@Suite struct RPCMethodTableTests {
    @Test func replaydsMethodNamesAndTheTableListing() {
        #expect(
            ReplaydRPCMethod.allCases.map(\.rawValue)
                == ["runs.replay", "runs.explain", "replays.get", "replays.pending", "gateway.status"]
        )
        var table = JSONRPCMethodTable()
        table.register("b") { _, _ throws(JSONRPCError) in .null }
        table.register("a", untyped: { _, _ in .null })
        #expect(table.names == ["a", "b"])
    }

    @Test func handlersReceiveTheDoorsContext() async throws {
        let rpc = RPCFixture { methods in
            methods.register("test.whoami") { _, context throws(JSONRPCError) in
                .object([
                    "request_id": .string(context.requestID),
                    "principal": context.principal.map(JSONValue.string) ?? .null,
                ])
            }
        }
        expectResult(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"test.whoami","id":1}"#),
            .object(["request_id": .string("rq_test"), "principal": .string("alice")]),
            id: .number(1)
        )
    }

    @Test func handlersSeeAbsentParamsAsNil() async throws {
        let rpc = RPCFixture()
        expectResult(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"test.echo","id":1}"#),
            .null,
            id: .number(1)
        )
        expectResult(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"test.echo","params":{},"id":2}"#),
            .object([:]),
            id: .number(2)
        )
    }

    @Test func reservedRPCNamesAreNotFoundUnlessRegistered() async throws {
        let rpc = RPCFixture()
        expectError(
            try await rpc.send(#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#),
            code: -32601,
            id: .number(1)
        )
    }

    @Test func registeringAReservedNameStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var table = JSONRPCMethodTable()
            table.register("rpc.discover") { _, _ throws(JSONRPCError) in .null }
        }
    }

    @Test func registeringANameTwiceStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var table = JSONRPCMethodTable()
            table.register("test.twice") { _, _ throws(JSONRPCError) in .null }
            table.register("test.twice", untyped: { _, _ in .null })
        }
    }
}

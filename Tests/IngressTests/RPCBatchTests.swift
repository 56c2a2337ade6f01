import Ingress
import Strait
import Testing

/// Batch limits, bounded concurrency and response order.
@Suite(.timeLimit(.minutes(5))) struct RPCBatchTests {
    private static func calls(_ count: Int, method: String = "test.get_data", notifications: Bool = false) -> String {
        let items = (0..<count).map { index in
            notifications
                ? #"{"jsonrpc":"2.0","method":"\#(method)"}"#
                : #"{"jsonrpc":"2.0","method":"\#(method)","id":\#(index)}"#
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    @Test func aBatchOverTheLimitIsOneErrorNamingTheLimitAndRunsNothing() async throws {
        let rpc = RPCFixture(maxBatchSize: 3)
        let response = try await rpc.send(Self.calls(4, method: "test.update", notifications: true))
        #expect(response?.elements == nil)
        expectError(response, code: -32600)
        #expect(
            response?["error"]?["message"] == .string("a batch may hold at most 3 requests, this one holds 4")
        )
        #expect(await rpc.recorder.calls.isEmpty)
        #expect(try await rpc.send(Self.calls(3))?.elements?.count == 3)
    }

    @Test func theDefaultLimitIsOneThousand() async throws {
        let rpc = RPCFixture()
        #expect(rpc.server.maxBatchSize == 1000)
        #expect(try await rpc.send(Self.calls(1000))?.elements?.count == 1000)
        let response = try await rpc.send(Self.calls(1001))
        expectError(response, code: -32600)
        #expect(response?["error"]?["message"]?.stringValue?.contains("at most 1000") == true)
    }

    @Test func aBatchRunsAtMostTheBoundAtOnce() async throws {
        let probe = ConcurrencyProbe()
        let rpc = RPCFixture(maxConcurrentCalls: 4) { methods in
            methods.register("test.probe") { _, _ throws(JSONRPCError) in
                await probe.enter()
                await probe.waitForPeak(4)
                await probe.leave()
                return .bool(true)
            }
        }
        let responses = try #require(try await rpc.send(Self.calls(40, method: "test.probe"))?.elements)
        #expect(responses.count == 40)
        #expect(await probe.peak == 4)
        #expect(await probe.active == 0)
    }

    @Test func theDefaultBoundIsSixteen() async throws {
        let probe = ConcurrencyProbe()
        let rpc = RPCFixture { methods in
            methods.register("test.probe") { _, _ throws(JSONRPCError) in
                await probe.enter()
                await probe.waitForPeak(16)
                await probe.leave()
                return .bool(true)
            }
        }
        #expect(rpc.server.maxConcurrentCalls == 16)
        #expect(try await rpc.send(Self.calls(50, method: "test.probe"))?.elements?.count == 50)
        #expect(await probe.peak == 16)
    }

    @Test func aBoundOfOneRunsCallsOneAfterAnotherInRequestOrder() async throws {
        let probe = ConcurrencyProbe()
        let order = CallRecorder()
        let rpc = RPCFixture(maxConcurrentCalls: 1) { methods in
            methods.register("test.ordered") { params, _ throws(JSONRPCError) in
                await probe.enter()
                await Task.yield()  // a point where a second call would run, if the bound let one start
                let name = try JSONRPCParams(params, names: ["name"]).required("name", .string)
                await order.record(name)
                await probe.leave()
                return .null
            }
        }
        let names = ["a", "b", "c", "d", "e", "f"]
        let body =
            "["
            + names.map { #"{"jsonrpc":"2.0","method":"test.ordered","params":["\#($0)"]}"# }
            .joined(separator: ",") + "]"
        #expect(await rpc.raw(body) == nil)
        #expect(await order.calls == names)
        #expect(await probe.peak == 1)
    }

    @Test func responsesKeepRequestOrderWhateverOrderCallsFinishIn() async throws {
        let turns = FinishOrder()
        let rpc = RPCFixture { methods in
            methods.register("test.finish") { params, _ throws(JSONRPCError) in
                let rank = try JSONRPCParams(params, names: ["rank"]).required("rank", .integer)
                await turns.waitForTurn(Int(rank))
                return .number(Double(rank))
            }
        }
        let ranks = [3, 0, 2, 1]
        let body =
            "["
            + ranks.enumerated().map { index, rank in
                #"{"jsonrpc":"2.0","method":"test.finish","params":[\#(rank)],"id":\#(index)}"#
            }.joined(separator: ",") + "]"
        let responses = try #require(try await rpc.send(body)?.elements)
        #expect(await turns.finished == [0, 1, 2, 3], "the calls finished in rank order")
        #expect(responses.map { $0["id"] } == [0.0, 1, 2, 3].map { JSONValue.number($0) })
        #expect(responses.map { $0["result"] } == ranks.map { JSONValue.number(Double($0)) })
    }

    @Test func eachCallOfABatchHasItsOwnRequestIDAndASingleCallTheDoorsID() async throws {
        let rpc = RPCFixture { methods in
            methods.register("test.request_id") { _, context throws(JSONRPCError) in .string(context.requestID) }
        }
        let batch = try #require(try await rpc.send(Self.calls(3, method: "test.request_id"))?.elements)
        #expect(batch.map { $0["result"] } == ["rq_test.1", "rq_test.2", "rq_test.3"].map(JSONValue.string))
        let single = try await rpc.send(#"{"jsonrpc":"2.0","method":"test.request_id","id":1}"#)
        #expect(single?["result"] == .string("rq_test"))
    }

    @Test func eachItemOfABatchGetsItsOwnResult() async throws {
        let rpc = RPCFixture()
        let responses = try #require(
            try await rpc.send(
                """
                [{"jsonrpc":"2.0","method":"test.subtract","params":[5,"x"],"id":"a"},
                 {"jsonrpc":"2.0","method":"test.subtract","params":[5,2],"id":"b"},
                 {"jsonrpc":"2.0","method":"nope","id":"c"},
                 {"jsonrpc":"2.0","method":"test.subtract","params":[1,1]}]
                """
            )?.elements
        )
        try #require(responses.count == 3)
        expectError(responses[0], code: -32602, id: .string("a"))
        expectResult(responses[1], .number(3), id: .string("b"))
        expectError(responses[2], code: -32601, id: .string("c"))
    }

    @Test func aBatchResponseIsACompactArrayEndingWithANewline() async throws {
        let rpc = RPCFixture()
        let raw = await rpc.raw(
            #"[{"jsonrpc":"2.0","method":"test.get_data","id":1},{"jsonrpc":"2.0","method":"x","id":2}]"#
        )
        #expect(
            raw
                == #"[{"id":1,"jsonrpc":"2.0","result":["hello",5]},"#
                + #"{"error":{"code":-32601,"data":{"method":"x"},"message":"method not found: \"x\""},"#
                + #""id":2,"jsonrpc":"2.0"}]"# + "\n"
        )
    }
}

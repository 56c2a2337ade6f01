import Curl
import Ingress
import ReplayCore
import Strait
import Testing

/// Handler failures: typed errors pass through, anything else is −32603 without internals, and replayd's own
/// errors land in the server range with the REST error in `data`.
@Suite struct RPCErrorTests {
    private struct DatabaseFailure: Error, CustomStringConvertible {
        var description: String { "SQLITE_CORRUPT at /var/lib/replayd/secret-path.db (token=hunter2)" }
    }

    @Test func aNonJSONRPCErrorIsAnInternalErrorThatLeaksNothing() async throws {
        let rpc = RPCFixture { methods in
            methods.register("test.broken", untyped: { _, _ in throw DatabaseFailure() })
        }
        let raw = try #require(await rpc.raw(#"{"jsonrpc":"2.0","method":"test.broken","id":7}"#))
        let response = try json(raw)
        expectError(response, code: -32603, id: .number(7))
        #expect(response["error"]?["data"] == .object(["request_id": .string("rq_test")]))
        for secret in ["SQLITE", "secret-path", "hunter2", "DatabaseFailure"] {
            #expect(!raw.contains(secret))
        }
        let logged = rpc.log.all.filter { $0.hasPrefix("error JSON-RPC handler failed") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("hunter2") == true, "the log keeps the detail")
        #expect(logged.first?.contains("request_id=rq_test") == true)
        #expect(logged.first?.contains("rpc_method=test.broken") == true)
    }

    @Test func anUntypedHandlerMayStillThrowAJSONRPCError() async throws {
        let rpc = RPCFixture { methods in
            methods.register("test.picky", untyped: { _, _ in throw JSONRPCError.invalidParams("no", field: "x") })
        }
        let response = try await rpc.send(#"{"jsonrpc":"2.0","method":"test.picky","id":1}"#)
        expectError(response, code: -32602, id: .number(1))
        #expect(response?["error"]?["data"] == .object(["field": .string("x")]))
    }

    @Test func aResultJSONCannotHoldIsAnInternalErrorForThatCallOnly() async throws {
        let rpc = RPCFixture { methods in
            methods.register("test.nan") { _, _ throws(JSONRPCError) in .array([.number(.nan)]) }
        }
        let responses = try #require(
            try await rpc.send(
                #"[{"jsonrpc":"2.0","method":"test.nan","id":1},{"jsonrpc":"2.0","method":"test.get_data","id":2}]"#
            )?.elements
        )
        try #require(responses.count == 2)
        expectError(responses[0], code: -32603, id: .number(1))
        expectResult(responses[1], .array([.string("hello"), .number(5)]), id: .number(2))
        #expect(rpc.log.all.contains { $0.hasPrefix("error JSON-RPC response not encodable") })
    }

    @Test func aServerRangeErrorCarriesItsData() async throws {
        let rpc = RPCFixture { methods in
            methods.register("test.unreachable") { _, _ throws(JSONRPCError) in
                throw JSONRPCError(
                    replayError: ReplayError(
                        .upstreamUnreachable,
                        "could not reach Strait at http://127.0.0.1:9",
                        details: ["upstream_request_id=rq_1"]
                    )
                )
            }
        }
        let response = try await rpc.send(#"{"jsonrpc":"2.0","method":"test.unreachable","id":"u"}"#)
        expectError(response, code: -32006, id: .string("u"))
        #expect(response?["error"]?["message"] == .string("could not reach Strait at http://127.0.0.1:9"))
        #expect(
            response?["error"]?["data"]
                == (try json(
                    #"{"code":"upstream_unreachable","message":"could not reach Strait at http://127.0.0.1:9","#
                        + #""details":["upstream_request_id=rq_1"],"status":502}"#
                ))
        )
    }

    @Test(arguments: [
        (ReplayError.Code.upstreamOutcomeUnknown, JSONRPCServerCode.outcomePending),
        (.upstreamBadResponse, .replayFailed),
        (.internalError, .replayFailed),
        (.unavailable, .unavailable),
        (.upstreamUnreachable, .upstreamUnreachable),
        (.unknownPeer, .forbidden),
        (.forbidden, .forbidden),
        (.requestTimeout, .replayFailed),
    ])
    func replayErrorsMapIntoTheServerRange(code: ReplayError.Code, expected: JSONRPCServerCode) {
        let error = JSONRPCError(replayError: ReplayError(code, "something"))
        #expect(error.code == expected.rawValue)
        #expect(error.serverCode == expected)
        #expect(error.message == "something")
        #expect(error.data?["code"] == .string(code.rawValue))
        #expect(error.data?["status"] == .number(Double(code.status)))
        #expect(error.data?["details"] == nil)
    }

    @Test func restCodesOfTheExactlyOnceReleaseHaveTheirOwnServerCodes() {
        #expect(JSONRPCServerCode(restCode: "conflict") == .conflict)
        #expect(JSONRPCServerCode(restCode: "idempotency_key_mismatch") == .idempotencyKeyMismatch)
        #expect(JSONRPCServerCode(restCode: "outcome_pending") == .outcomePending)
        #expect(JSONRPCServerCode(restCode: "not_found") == .notFound)
        #expect(JSONRPCServerCode(restCode: "rate_limited") == .rateLimited)
        #expect(JSONRPCServerCode(restCode: "something_new") == .replayFailed)
        let conflict = JSONRPCError(
            .conflict,
            restCode: "conflict",
            message: "a replay with this idempotency key is in flight",
            status: 409,
            retryAfterSeconds: 1
        )
        #expect(conflict.code == -32003)
        #expect(conflict.data?["retry_after"] == .number(1))
        #expect(conflict.data?["status"] == .number(409))
    }

    @Test func serverCodesAreDistinctAndInsideTheServerRange() {
        let codes = JSONRPCServerCode.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { (-32099)...(-32000) ~= $0 })
        #expect(Set(JSONRPCServerCode.allCases.map(\.name)).count == codes.count)
    }

    @Test func aBadRequestBecomesInvalidParamsNamingTheField() {
        let error = JSONRPCError(
            replayError: ReplayError(.badRequest, "invalid run id \".\"", details: ["field=run_id"])
        )
        #expect(error.code == -32602)
        #expect(error.data?["field"] == .string("run_id"))
        #expect(error.data?["code"] == .string("bad_request"))
        #expect(error.data?["status"] == .number(400))
    }

    @Test func anUpstreamRejectionPassesStraitsErrorThrough() {
        let rejection = StraitAPIError(
            response: HTTPResponse(
                status: 429,
                headers: ["Retry-After": "3", "Content-Type": "application/json"],
                body: Array(
                    #"{"error":{"code":"rate_limited","message":"slow down","details":["a"]},"request_id":"up-9"}"#.utf8
                )
            ),
            nowUnixSeconds: 0
        )
        let error = JSONRPCError(upstreamRejection: rejection)
        #expect(error.serverCode == .upstreamRejected)
        #expect(error.message == "slow down")
        #expect(
            error.data
                == .object([
                    "code": .string("rate_limited"),
                    "message": .string("slow down"),
                    "details": .array([.string("a")]),
                    "status": .number(429),
                    "request_id": .string("up-9"),
                    "retry_after": .number(3),
                ])
        )
    }
}

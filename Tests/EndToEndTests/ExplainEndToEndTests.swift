import Foundation
import Testing

/// Explain and dry-run on the real binaries: `replayctl explain` / `replay --dry-run` → socket → `replayd serve`,
/// compared with the real call that follows it, and with what the simulator then received.
@Suite struct ExplainEndToEndTests {
    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    @Test func anAllowedExplainSendsNothingAndMatchesTheReplayThatFollows() async throws {
        try await EndToEndHarness.withStack { harness in
            let requestsBefore = try await harness.simulatorRequestTotal()
            let explained = try await harness.replayctl(
                ["explain", "run_failed_1", "--idempotency-key", "e2e-explain-1", "-o", "json"]
            )
            #expect(explained.status == 0)
            let explanation = try #require(Self.json(explained.stdout))
            let verdict = try #require(explanation["verdict"] as? [String: Any])
            #expect((verdict["status"] as? NSNumber)?.intValue == 201)
            #expect(verdict["sends_upstream"] as? Bool == true)
            let idempotency = try #require(explanation["idempotency"] as? [String: Any])
            #expect(idempotency["key"] as? String == "e2e-explain-1")
            #expect(idempotency["record"] as? String == "new")
            let upstream = try #require(explanation["upstream"] as? [String: Any])
            #expect(upstream["method"] as? String == "POST")
            #expect(upstream["url"] as? String == harness.simulatorURL + "/v1/runs/run_failed_1/replay")
            let headers = try #require(upstream["headers"] as? [[String: Any]])
            let authorization = headers.first { $0["name"] as? String == "Authorization" }?["value"] as? String
            #expect(authorization == "Bearer strait_…(redacted)")
            let explainedRequestID = try #require(
                headers.first { $0["name"] as? String == "X-Request-Id" }?["value"] as? String
            )
            #expect(explainedRequestID.hasPrefix("rq_") && explainedRequestID.hasSuffix("-1"))
            // Nothing was sent, claimed or recorded.
            #expect(try await harness.simulatorRequestTotal() == requestsBefore)
            #expect(try await harness.socketRequest("GET", "/v1/replays/e2e-explain-1").status == 404)
            #expect(!harness.everythingWritten.contains(EndToEndHarness.demoKey))

            let replayed = try await harness.replayctl(
                ["replay", "run_failed_1", "--idempotency-key", "e2e-explain-1", "-o", "json"]
            )
            #expect(replayed.status == 0)
            let run = try #require(replayed.json)
            // The request Strait received has the explained shape: the same route, and an X-Request-Id of the
            // form `<request id>-1` (the request id is the call's own).
            let metadata = try #require(run["metadata"] as? [String: Any])
            let sentRequestID = try #require(metadata["_sentry_request_id"] as? String)
            #expect(sentRequestID.hasPrefix("rq_") && sentRequestID.hasSuffix("-1"))
            let counts = try await harness.simulatorJSON("/_sim/replays")
            #expect((counts["total"] as? NSNumber)?.intValue == 1)

            // Explained again: the key is done, and the stored answer would be replayed, as the call then does.
            let again = try #require(
                Self.json(
                    try await harness.replayctl(
                        ["explain", "run_failed_1", "--idempotency-key", "e2e-explain-1", "-o", "json"]
                    ).stdout
                )
            )
            #expect((again["idempotency"] as? [String: Any])?["record"] as? String == "done")
            #expect((again["idempotency"] as? [String: Any])?["new_run_id"] as? String == run["id"] as? String)
            let againVerdict = try #require(again["verdict"] as? [String: Any])
            #expect(againVerdict["sends_upstream"] as? Bool == false)
            let repeatCall = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: e2e-explain-1"]
            )
            #expect(repeatCall.status == (againVerdict["status"] as? NSNumber)?.intValue)
            #expect(repeatCall.headers.contains("Idempotent-Replayed: true"))
            #expect((try await harness.simulatorJSON("/_sim/replays")["total"] as? NSNumber)?.intValue == 1)
        }
    }

    @Test func aReusedKeyIsExplainedAsThe422TheCallGets() async throws {
        try await EndToEndHarness.withStack { harness in
            let first = try await harness.replayctl(["replay", "run_failed_1", "--idempotency-key", "e2e-reused"])
            #expect(first.status == 0)
            let explained = try await harness.replayctl(
                ["replay", "run_failed_2", "--idempotency-key", "e2e-reused", "--dry-run", "-o", "json"]
            )
            #expect(explained.status == 0)
            let explanation = try #require(Self.json(explained.stdout))
            let verdict = try #require(explanation["verdict"] as? [String: Any])
            #expect((verdict["status"] as? NSNumber)?.intValue == 422)
            #expect(verdict["code"] as? String == "idempotency_key_reused")
            #expect((explanation["idempotency"] as? [String: Any])?["record"] as? String == "key_reused")
            let call = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_2/replay",
                headers: ["Idempotency-Key: e2e-reused"]
            )
            #expect(call.status == 422)
            #expect(
                Self.json(call.body).flatMap { $0["error"] as? [String: Any] }?["code"] as? String
                    == "idempotency_key_reused"
            )
            let real = try await harness.replayctl(["replay", "run_failed_2", "--idempotency-key", "e2e-reused"])
            #expect(real.status == 7)
            #expect((try await harness.simulatorJSON("/_sim/replays")["total"] as? NSNumber)?.intValue == 1)
        }
    }

    @Test func tableOutputAndExplainAsAnUnknownPrincipal() async throws {
        try await EndToEndHarness.withStack(grants: EndToEndHarness.testerAndOperatorGrants) { harness in
            let requestsBefore = try await harness.simulatorRequestTotal()
            let table = try await harness.replayctl([
                "explain", "run_failed_1", "--from-checkpoint", "2", "-o", "table",
            ])
            #expect(table.status == 0)
            #expect(table.stdout.contains("DRY RUN: nothing was sent"))
            #expect(
                table.stdout.contains(
                    "policy       allowed by grant tester-as-before: it allows replay_from_checkpoint"
                )
            )
            #expect(table.stdout.contains("/v1/runs/run_failed_1/replay?from_checkpoint=2"))
            #expect(table.stdout.contains("Authorization: Bearer strait_…(redacted)"))
            #expect(table.stdout.contains("verdict      201 (upstream)"))
            let unknown = try await harness.replayctl(["explain", "run_failed_1", "--as", "nobody", "-o", "json"])
            #expect(unknown.status == 7)
            let asTester = try await harness.replayctl(["explain", "run_failed_1", "--as", "tester", "-o", "json"])
            #expect(asTester.status == 0)
            #expect(try await harness.simulatorRequestTotal() == requestsBefore)
            let bad = try await harness.socketRequest("POST", "/v1/runs/run_failed_1/replay?dry_run=maybe")
            #expect(bad.status == 400)
        }
    }
}

extension ExplainEndToEndTests {
    @Test func jsonRPCRunsExplainAnswersTheSameExplanation() async throws {
        try await EndToEndHarness.withStack { harness in
            let requestsBefore = try await harness.simulatorRequestTotal()
            let call = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body: #"{"jsonrpc":"2.0","method":"runs.explain","params":["run_failed_1",null,"rpc-explain"],"id":1}"#
            )
            #expect(call.status == 200)
            let result = try #require(Self.json(call.body)?["result"] as? [String: Any])
            #expect((result["idempotency"] as? [String: Any])?["key"] as? String == "rpc-explain")
            #expect((result["request"] as? [String: Any])?["door"] as? String == "rpc")
            #expect(((result["verdict"] as? [String: Any])?["status"] as? NSNumber)?.intValue == 201)
            let unknown = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body:
                    #"{"jsonrpc":"2.0","method":"runs.explain","params":{"run_id":"run_failed_1","as":"nobody"},"id":2}"#
            )
            #expect(Self.json(unknown.body)?["error"] != nil)
            #expect(try await harness.simulatorRequestTotal() == requestsBefore)
        }
    }
}

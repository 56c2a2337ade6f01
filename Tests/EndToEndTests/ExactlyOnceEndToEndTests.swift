import Curl
import Foundation
import Logging
import Testing

/// Exactly-once over the real socket, daemon, SQLite file and simulator.
@Suite struct ExactlyOnceEndToEndTests {
    @Test func oneHundredConcurrentCallersWithOneKeyGetOneRun() async throws {
        try await EndToEndHarness.withStack { harness in
            let client = try EndToEndHarness.makeClient()
            let socket = harness.socketPath
            let request = HTTPRequest(
                method: "POST",
                url: "http://localhost/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key": "stampede-1"],
                unixSocketPath: socket
            )
            // Each caller retries a 409 (same key in flight) after its Retry-After, as replayctl does, and a 503
            // (more than max_connections at once: 100 callers against the default 64).
            let runIDs = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        var conflicts = 0
                        while true {
                            let response = try await client.send(request)
                            if response.status == 409 || response.status == 503 {
                                conflicts += 1
                                try await Task.sleep(for: .milliseconds(50))
                                continue
                            }
                            let run = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                            return (run?["id"] as? String ?? "status \(response.status)", conflicts)
                        }
                    }
                }
                var all: [(String, Int)] = []
                for try await result in group { all.append(result) }
                return all
            }
            await client.shutdown()
            #expect(Set(runIDs.map(\.0)).count == 1)
            #expect(runIDs.count == 100)
            let counts = try await harness.simulatorJSON("/_sim/replays")
            #expect((counts["total"] as? NSNumber)?.intValue == 1)
        }
    }

    @Test func theSameKeyForAnotherRunIs422AndARepeatIsReplayed() async throws {
        try await EndToEndHarness.withStack { harness in
            let first = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: k-e2e"]
            )
            #expect(first.status == 201)
            let repeated = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: k-e2e"]
            )
            #expect(repeated.status == 201)
            #expect(repeated.headers.lowercased().contains("idempotent-replayed: true"))
            let other = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_2/replay",
                headers: ["Idempotency-Key: k-e2e"]
            )
            #expect(other.status == 422)
            #expect(other.body.contains("idempotency_key_reused"))
            #expect(try await harness.simulatorReplayTotal() == 1)
        }
    }

    /// An attempt that times out while Strait is still working on it: the first lookup finds nothing, but that is
    /// not conclusive until Strait can no longer be processing it (`reconcile_settle`); a retry before then would
    /// create a second run once the slow request commits.
    @Test func anAttemptStillBeingProcessedIsNotRetriedIntoASecondRun() async throws {
        let harness = try EndToEndHarness()
        do {
            try await harness.startSimulator()
            try harness.writeConfig(replays: "reconcile_settle = \"6s\"\nwait = \"30s\"", attemptTimeout: "1s")
            try await harness.startDaemon()
            _ = try await harness.simulatorJSON(
                "/_sim/faults",
                method: "POST",
                body: #"{"faults":[{"kind":"latency","ms":2500,"run_id":"run_failed_1"}]}"#
            )
            let result = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let counts = try await harness.simulatorJSON("/_sim/replays")
            #expect((counts["total"] as? NSNumber)?.intValue == 1, "\(counts)")
            let byRequest = counts["by_request_id"] as? [String: Any] ?? [:]
            #expect(byRequest.count == 1)
            #expect(
                byRequest.keys.allSatisfy { $0.hasSuffix("-1") },
                "the run came from the first attempt: \(byRequest)"
            )
            #expect(result.json?["id"] as? String != nil)
        } catch {
            await harness.stop()
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            throw error
        }
        await harness.stop()
        harness.cleanUp()
    }

    @Test func withTheListFaultedTheCallerGets202AndTheReconcilerFinishesLater() async throws {
        try await EndToEndHarness.withStack(replays: "wait = \"1s\"\nreconcile_max_delay = \"1s\"") { harness in
            _ = try await harness.simulatorJSON(
                "/_sim/faults",
                method: "POST",
                body:
                    #"{"faults":[{"kind":"after_commit","mode":"status_500"},{"kind":"list_failure","status":503,"count":100000}]}"#
            )
            let pending = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: amb-e2e"]
            )
            #expect(pending.status == 202)
            #expect(pending.body.contains("outcome_pending"))
            #expect(pending.headers.contains("Location: /v1/replays/amb-e2e"))
            let listed = try await harness.socketRequest("GET", "/v1/replays?pending=true")
            #expect(listed.body.contains("amb-e2e"))

            _ = try await harness.simulatorJSON("/_sim/faults", method: "DELETE")
            let (state, _) = try await harness.waitForRecord("amb-e2e", in: ["succeeded"])
            #expect(state == "succeeded")
            let empty = try await harness.socketRequest("GET", "/v1/replays?pending=true")
            #expect(empty.body.contains(#""data":[]"#))
            let counts = try await harness.simulatorJSON("/_sim/requests")
            let byRoute = try #require(counts["by_route"] as? [String: Any])
            #expect((byRoute["POST /v1/runs/{runID}/replay"] as? NSNumber)?.intValue == 1)
            #expect(try await harness.simulatorReplayTotal() == 1)
        }
    }

    @Test func jsonRPCReplaysAndAnswersBatchesAndNotifications() async throws {
        try await EndToEndHarness.withStack { harness in
            let single = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body:
                    #"{"jsonrpc":"2.0","method":"runs.replay","params":{"run_id":"run_failed_1","idempotency_key":"rpc-1"},"id":1}"#
            )
            #expect(single.status == 200)
            let response = try #require(
                (try? JSONSerialization.jsonObject(with: Data(single.body.utf8))) as? [String: Any]
            )
            #expect((response["result"] as? [String: Any])?["status"] as? String == "queued")
            let batch = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body: #"[{"jsonrpc":"2.0","method":"replays.get","params":["rpc-1"],"id":"a"},"#
                    + #"{"jsonrpc":"2.0","method":"runs.replay","params":{"run_id":"run_completed_1"},"id":"b"},"#
                    + #"{"jsonrpc":"2.0","method":"gateway.status"},{"foo":"bar"}]"#
            )
            #expect(batch.status == 200)
            let items = try #require(
                (try? JSONSerialization.jsonObject(with: Data(batch.body.utf8))) as? [[String: Any]]
            )
            #expect(items.count == 3)
            let byID = Dictionary(items.compactMap { item in (item["id"] as? String).map { ($0, item) } }) { a, _ in a }
            #expect((byID["a"]?["result"] as? [String: Any])?["state"] as? String == "succeeded")
            let refused = byID["b"]?["error"] as? [String: Any]
            #expect((refused?["code"] as? NSNumber)?.intValue == -32001)
            #expect((refused?["data"] as? [String: Any])?["message"] as? String == "run is not replayable")
            #expect(items.contains { ($0["error"] as? [String: Any])?["code"] as? Int == -32600 })
            let notification = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body: #"{"jsonrpc":"2.0","method":"gateway.status"}"#
            )
            #expect(notification.status == 204)
            let invalid = try await harness.socketRequest("POST", "/v1/rpc", body: #"{"jsonrpc":"2.0","method""#)
            #expect(invalid.body.contains("-32700"))
            #expect(try await harness.simulatorReplayTotal() == 1)
        }
    }
}

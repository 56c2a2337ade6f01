import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The foundation issue's acceptance, on the real binaries: `replayctl` → Unix socket → `replayd serve` →
/// libcurl → `replayd simulate`.
@Suite struct ReplayEndToEndTests {
    @Test func replayOfAFailedRunPrintsTheNewRunAndCreatesExactlyOne() async throws {
        try await EndToEndHarness.withStack { harness in
            let result = try await harness.replayctl(["replay", "run_failed_1", "-o", "table"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Replayed run run_failed_1 as run "))
            let counts = try await harness.simulatorJSON("/_sim/replays")
            #expect((counts["total"] as? NSNumber)?.intValue == 1)
            let byOriginal = counts["by_original_run"] as? [String: Any]
            #expect((byOriginal?["run_failed_1"] as? NSNumber)?.intValue == 1)
            // The id printed is the run the simulator created.
            let firstLine = try #require(result.stdout.split(separator: "\n").first)
            let newID = try #require(firstLine.split(separator: " ").last.map(String.init))
            let stored = try await harness.simulatorRun(newID)
            #expect(stored["status"] as? String == "queued")
            #expect(stored["triggered_by"] as? String == "manual")
        }
    }

    @Test func jsonOutputIsTheQueuedManualJobRun() async throws {
        try await EndToEndHarness.withStack { harness in
            let result = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
            #expect(result.status == 0)
            let run = try #require(result.json)
            #expect(run["status"] as? String == "queued")
            #expect(run["triggered_by"] as? String == "manual")
            #expect(run["job_id"] as? String == "job_ttl")
            #expect((run["attempt"] as? NSNumber)?.intValue == 1)
            let metadata = try #require(run["metadata"] as? [String: Any])
            let requestID = try #require(metadata["_sentry_request_id"] as? String)
            #expect(requestID.hasPrefix("rq_") && requestID.hasSuffix("-1"))
            // Without -o, output that is not a terminal is JSON too.
            let piped = try await harness.replayctl(["replay", "run_failed_2"])
            #expect(piped.status == 0)
            #expect(piped.json?["status"] as? String == "queued")
        }
    }

    @Test func curlOverTheSocketGets201WithTheJobRun() async throws {
        try await EndToEndHarness.withStack { harness in
            let result = try await harness.run(
                "/usr/bin/curl",
                [
                    "-sS", "-i", "--unix-socket", harness.socketPath, "-X", "POST",
                    "http://localhost/v1/runs/run_crashed_1/replay",
                ]
            )
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("HTTP/1.1 201"))
            let body = try #require(result.stdout.components(separatedBy: "\r\n\r\n").last)
            let run = try #require((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])
            #expect(run["status"] as? String == "queued")
            #expect(try await harness.simulatorReplayTotal() == 1)
        }
    }

    @Test func aCompletedRunIsNotReplayableExit7() async throws {
        try await EndToEndHarness.withStack { harness in
            let result = try await harness.replayctl(["replay", "run_completed_1", "-o", "json"])
            #expect(result.status == 7)
            let error = try #require(result.json)
            #expect(error["error"] as? String == "run is not replayable")
            #expect((error["status"] as? NSNumber)?.intValue == 400)
            #expect(error["code"] as? String == "validation_error")
            let table = try await harness.replayctl(["replay", "run_completed_1", "-o", "table"])
            #expect(table.status == 7)
            #expect(table.stderr.contains("run is not replayable"))
            #expect(try await harness.simulatorReplayTotal() == 0)
        }
    }

    @Test func anUnknownRunIs404Exit5() async throws {
        try await EndToEndHarness.withStack { harness in
            let result = try await harness.replayctl(["replay", "run_does_not_exist", "-o", "json"])
            #expect(result.status == 5)
            #expect(result.json?["error"] as? String == "run not found")
            #expect((result.json?["status"] as? NSNumber)?.intValue == 404)
        }
    }

    @Test func badInputIs400AndTheSimulatorSeesNothing() async throws {
        try await EndToEndHarness.withStack { harness in
            let before = try await harness.simulatorRequestTotal()
            // replayd refuses bad input with 400 itself (asked directly, past replayctl's own checks).
            let checkpoint = try await harness.socketRequest("POST", "/v1/runs/run_failed_1/replay?from_checkpoint=abc")
            #expect(checkpoint.status == 400)
            #expect(checkpoint.body.contains("from_checkpoint must be a positive integer"))
            let traversal = try await harness.socketRequest("POST", "/v1/runs/%2E%2E%2Fx/replay")
            #expect(traversal.status == 400)
            #expect(traversal.body.contains("invalid run id"))
            let dots = try await harness.socketRequest("POST", "/v1/runs/%2E%2E/replay")
            #expect(dots.status == 400)
            // replayctl checks the same rules before sending (issue 13): exit 3, naming the argument.
            let localCheckpoint = try await harness.replayctl([
                "replay", "run_failed_1", "--from-checkpoint", "abc", "-o", "json",
            ])
            #expect(localCheckpoint.status == 3)
            #expect(localCheckpoint.stderr.contains("--from-checkpoint must be a positive integer"))
            let localTraversal = try await harness.replayctl(["replay", "../x", "-o", "json"])
            #expect(localTraversal.status == 3)
            #expect(localTraversal.stderr.contains("RUN_ID: invalid run id"))
            let localDots = try await harness.replayctl(["replay", "..", "-o", "json"])
            #expect(localDots.status == 3)
            #expect(try await harness.simulatorRequestTotal() == before)
            #expect(try await harness.simulatorReplayTotal() == 0)
        }
    }

    @Test func aCheckpointReplayCarriesTheCheckpointState() async throws {
        try await EndToEndHarness.withStack { harness in
            let result = try await harness.replayctl([
                "replay", "run_failed_checkpoints", "--from-checkpoint", "2", "-o", "json",
            ])
            #expect(result.status == 0)
            #expect(result.json?["debug_mode"] as? Bool == true)
            let payload = result.json?["payload"] as? [String: Any]
            #expect(payload?["cursor"] as? String == "c2")
            let missing = try await harness.replayctl([
                "replay", "run_failed_checkpoints", "--from-checkpoint", "9", "-o", "json",
            ])
            #expect(missing.status == 5)
            #expect(missing.json?["error"] as? String == "checkpoint not found")
        }
    }

    @Test func anAnswerLostAfterCommitIsReconciledAndNeverResent() async throws {
        try await EndToEndHarness.withStack { harness in
            // Warm a kept-alive upstream connection first, so a silent libcurl resend would have a chance.
            _ = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
            _ = try await harness.simulatorJSON(
                "/_sim/faults",
                method: "POST",
                body: #"{"faults":[{"kind":"after_commit","mode":"reset","run_id":"run_failed_2"}]}"#
            )
            let result = try await harness.replayctl(["replay", "run_failed_2", "-o", "json"])
            #expect(result.status == 0)
            let counts = try await harness.simulatorJSON("/_sim/replays")
            let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
            #expect((byOriginal["run_failed_2"] as? NSNumber)?.intValue == 1)
            #expect((counts["total"] as? NSNumber)?.intValue == 2)
            // The run the caller got is the one the reset hid: found by its request id.
            let metadata = result.json?["metadata"] as? [String: Any]
            let requestID = try #require(metadata?["_sentry_request_id"] as? String)
            let byRequest = try #require(counts["by_request_id"] as? [String: Any])
            #expect((byRequest[requestID] as? NSNumber)?.intValue == 1)
        }
    }

    @Test func pingAndStatusReport() async throws {
        try await EndToEndHarness.withStack { harness in
            let ping = try await harness.replayctl(["ping", "-o", "json"])
            #expect(ping.status == 0)
            #expect(ping.json?["status"] as? String == "ok")
            _ = try await harness.replayctl(["replay", "run_failed_1"])
            let status = try await harness.replayctl(["status", "-o", "json"])
            #expect(status.status == 0)
            #expect(status.json?["principal"] as? String == "tester")
            let upstream = try #require(status.json?["upstream"] as? [String: Any])
            #expect(upstream["base_url"] as? String == harness.simulatorURL)
            #expect(upstream["state"] as? String == "ok")
            #expect((upstream["last_status"] as? NSNumber)?.intValue == 201)
        }
    }
}

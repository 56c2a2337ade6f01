import Foundation
import Testing

/// The `Idempotency-Key` replayd sends upstream (issue 14, item 7): the same key on every attempt of a record, and
/// exactly one run whether Strait ignores the key on replay (as today) or honours it (the simulator's
/// `--honor-replay-idempotency-key`).
@Suite struct UpstreamIdempotencyKeyEndToEndTests {
    @Test(arguments: [false, true])
    func everyAttemptCarriesTheRecordsKeyAndOneRunIsCreated(honoured: Bool) async throws {
        let harness = try EndToEndHarness()
        do {
            try await harness.startSimulator(extraArguments: honoured ? ["--honor-replay-idempotency-key"] : [])
            try harness.writeConfig(replays: "wait = \"30s\"")
            try await harness.startDaemon()
            // Attempt 1 is refused before the enqueue (503, retried); attempt 2 creates the run and its answer is
            // lost (a reset: ambiguous, reconciled by request id).
            _ = try await harness.simulatorJSON(
                "/_sim/faults",
                method: "POST",
                body: #"{"faults":[{"kind":"before_commit","status":503,"count":1},"#
                    + #"{"kind":"after_commit","mode":"reset","count":1}]}"#
            )
            _ = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: idem-up-1"]
            )
            let (state, body) = try await harness.waitForRecord("idem-up-1", in: ["succeeded", "failed"])
            #expect(state == "succeeded", "\(body)")

            let counts = try await harness.simulatorJSON("/_sim/replays")
            #expect((counts["total"] as? NSNumber)?.intValue == 1, "\(counts)")
            let byKey = try #require(counts["request_ids_by_idempotency_key"] as? [String: [String]])
            #expect(byKey.count == 1, "every attempt carried one key: \(byKey)")
            let (key, requestIDs) = try #require(byKey.first)
            #expect(key.hasPrefix("replayd-"))
            #expect(key.utf8.count == 72)
            #expect(key.dropFirst(8).allSatisfy { $0.isHexDigit && !$0.isUppercase })
            #expect(!key.contains("idem-up-1"), "the caller's key is not sent as is")
            #expect(requestIDs.count == 2, "both attempts reached Strait: \(requestIDs)")
            #expect(Set(requestIDs.map { $0.split(separator: "-").dropLast().joined(separator: "-") }).count == 1)
            let runsByKey = try #require(counts["by_idempotency_key"] as? [String: NSNumber])
            #expect(runsByKey == [key: 1])
            #expect((counts["idempotency_replayed"] as? NSNumber)?.intValue == 0)

            // A repeat of the request is answered by replayd from its record: nothing more reaches Strait.
            let repeated = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: idem-up-1"]
            )
            #expect(repeated.status == 201)
            #expect(try await harness.simulatorReplayTotal() == 1)
        } catch {
            await harness.stop()
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            throw error
        }
        await harness.stop()
        harness.cleanUp()
    }
}

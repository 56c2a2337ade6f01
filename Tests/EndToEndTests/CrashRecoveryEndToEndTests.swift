import Foundation
import Testing

/// `kill -9` of replayd at each phase of a replay, then a restart: the request resolves with exactly one run, and a
/// second identical request returns that same run.
@Suite struct CrashRecoveryEndToEndTests {
    @Test(arguments: ["after_claim", "after_attempt_recorded", "after_response", "before_answer"])
    func aCrashAtEachPhaseResolvesToExactlyOneRun(phase: String) async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon(environment: ["REPLAYD_CRASH_AT": phase])
        let key = "crash-\(phase)"
        // Without --no-wait: the daemon must wait for the outcome to reach `before_answer` (with --no-wait it
        // answers 202 as soon as the replay is accepted). The crash resets the connection, so nothing is followed.
        let crashed = try await harness.replayctl([
            "replay", "run_failed_1", "--idempotency-key", key, "-o", "json",
        ])
        #expect(crashed.status != 0, "the daemon was supposed to die at \(phase)")
        let daemon = try #require(harness.daemon)
        let status = await daemon.waitForExit()
        #expect(status == 137, "replayd should have been killed by SIGKILL (128 + 9) at \(phase)")

        try await harness.startDaemon()
        // Crash recovery resumes the record; wait (bounded) until it is final.
        let (state, body) = try await harness.waitForRecord(key, in: ["succeeded", "failed"])
        #expect(state == "succeeded", "record after restart: \(body)")
        let again = try await harness.replayctl(["replay", "run_failed_1", "--idempotency-key", key, "-o", "json"])
        #expect(again.status == 0)
        let counts = try await harness.simulatorJSON("/_sim/replays")
        let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
        #expect((byOriginal["run_failed_1"] as? NSNumber)?.intValue == 1)
        let record = try #require((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])
        #expect(again.json?["id"] as? String == record["new_run_id"] as? String)
        await harness.stop()
    }

    /// The answer goes out before the outcome's commit. `kill -9` after the caller has its answer and before that
    /// commit: the restart reconciles the recorded attempt, finds the same run, and creates none.
    @Test func aCrashBetweenTheAnswerAndTheOutcomesCommitKeepsTheAnswer() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon(environment: ["REPLAYD_CRASH_AT": "outcome_never_committed"])
        let key = "crash-after-answer"
        let answered = try await harness.replayctl([
            "replay", "run_failed_1", "--idempotency-key", key, "-o", "json",
        ])
        #expect(answered.status == 0, "the replay should have been answered: \(answered.stdout)")
        let newRunID = try #require(answered.json?["id"] as? String)
        let daemon = try #require(harness.daemon)
        kill(daemon.pid, SIGKILL)
        #expect(await daemon.waitForExit() == 137)

        try await harness.startDaemon()
        let (state, body) = try await harness.waitForRecord(key, in: ["succeeded", "failed"])
        #expect(state == "succeeded", "record after restart: \(body)")
        let record = try #require((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])
        #expect(record["new_run_id"] as? String == newRunID)
        let attempts = try #require(record["attempts"] as? [[String: Any]])
        #expect(attempts.count == 1, "the restart reconciled the attempt instead of sending another: \(body)")
        // The outcome really was not committed: the restart found the attempt without a result.
        let restarted = try #require(harness.daemon)
        let log = restarted.stdout + restarted.stderr
        #expect(log.contains("resuming a replay whose last attempt has no recorded result"))
        #expect(log.contains("reconciled: the ambiguous attempt did create a run"))
        let again = try await harness.replayctl(["replay", "run_failed_1", "--idempotency-key", key, "-o", "json"])
        #expect(again.status == 0)
        #expect(again.json?["id"] as? String == newRunID)
        let counts = try await harness.simulatorJSON("/_sim/replays")
        let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
        #expect((byOriginal["run_failed_1"] as? NSNumber)?.intValue == 1)
        await harness.stop()
    }
}

import Foundation
import Testing

/// `replayctl replay --from-file`: 2,000 failed runs with 5% random after-commit faults are each replayed exactly
/// once, and running the same file again creates no run.
@Suite struct BulkEndToEndTests {
    @Test func twoThousandIdsWithRandomFaultsAreReplayedExactlyOnceAndResumable() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let count = 2000
        let ids = (0..<count).map { String(format: "run_bulk_%04d", $0) }

        // Fixtures: the bundled ones plus 2,000 failed runs of an enabled job.
        let fixturesPath = try harness.writeFixtures(failedRunIDs: ids)

        // 5% of the runs, chosen at random, lose their answer after the run is created.
        var generator = SystemRandomNumberGenerator()
        let faulted = Array(ids.shuffled(using: &generator).prefix(count / 20))
        let modes = ["status_500", "status_504", "reset"]
        let rules = faulted.map { id -> [String: Any] in
            ["kind": "after_commit", "mode": modes.randomElement(using: &generator) ?? "reset", "run_id": id]
        }
        let faultsPath = harness.directory + "/faults.json"
        try JSONSerialization.data(withJSONObject: ["faults": rules]).write(to: URL(fileURLWithPath: faultsPath))

        try await harness.startSimulator(extraArguments: [
            "--fixtures", fixturesPath, "--faults", faultsPath, "--ip-rate-limit", "0", "--key-rate-limit", "0",
        ])
        try harness.writeConfig(replays: "coalesce_window = \"0s\"")
        try await harness.startDaemon()

        let file = harness.directory + "/runs.txt"
        try (["# nightly failures"] + ids).joined(separator: "\n").write(
            toFile: file,
            atomically: true,
            encoding: .utf8
        )
        let first = try await harness.replayctl(["replay", "--from-file", file, "--concurrency", "16", "-o", "json"])
        #expect(first.status == 0, "stderr: \(first.stderr.suffix(2000))")
        let lines = first.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(lines.count == count)
        #expect(lines.allSatisfy { $0["status"] as? String == "created" })

        let counts = try await harness.simulatorJSON("/_sim/replays")
        #expect((counts["total"] as? NSNumber)?.intValue == count)
        let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
        #expect(byOriginal.count == count)
        #expect(byOriginal.values.allSatisfy { ($0 as? NSNumber)?.intValue == 1 })
        let faults = try await harness.simulatorJSON("/_sim/faults")
        #expect((faults["faults"] as? [Any])?.isEmpty == true, "every fault fired")

        // The same file again: every line is answered from its stored record; no new run.
        let second = try await harness.replayctl(["replay", "--from-file", file, "--concurrency", "16", "-o", "json"])
        #expect(second.status == 0)
        let again = second.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(again.count == count)
        #expect(again.allSatisfy { $0["status"] as? String == "replayed" })
        #expect(try await harness.simulatorReplayTotal() == count)
        await harness.stop()
    }
}

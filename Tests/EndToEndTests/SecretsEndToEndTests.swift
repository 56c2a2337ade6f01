import Foundation
import Testing

/// The upstream API key must never appear in any log line at any level, in `config check` output, or in an
/// error. The daemon runs at `trace`; every byte every process wrote is searched for the key.
@Suite struct SecretsEndToEndTests {
    @Test func theAPIKeyNeverAppearsInAnythingWritten() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon(apiKey: EndToEndHarness.demoKey)
        // Success, every error class, status, and config check.
        _ = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
        _ = try await harness.replayctl(["replay", "run_completed_1", "-o", "table"])
        _ = try await harness.replayctl(["replay", "nope", "-o", "json"])
        _ = try await harness.replayctl(["replay", "../x", "-o", "json"])
        _ = try await harness.replayctl(["status", "-o", "json"])
        _ = try await harness.simulatorJSON(
            "/_sim/faults",
            method: "POST",
            body: #"{"faults":[{"kind":"after_commit","mode":"reset"}]}"#
        )
        let ambiguous = try await harness.replayctl(["replay", "run_failed_2", "-o", "json"])
        #expect(ambiguous.status == 0, "reconciled after the reset")
        let check = try await harness.replayd(
            ["config", "check", harness.configPath],
            environment: ["STRAIT_API_KEY": EndToEndHarness.demoKey]
        )
        #expect(check.status == 0)
        #expect(check.stdout.contains("<redacted>"))
        await harness.stop()

        let everything = harness.everythingWritten
        #expect(everything.contains("trace") || everything.contains("debug"))
        #expect(everything.count > 1000)
        #expect(!everything.contains(EndToEndHarness.demoKey))
        #expect(!everything.contains(String(EndToEndHarness.demoKey.dropFirst(7))))
    }

    @Test func aRejectedKeyIsReportedWithoutBeingShown() async throws {
        let sentinel = "strait_" + String(repeating: "5e", count: 32)
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon(apiKey: sentinel)
        let result = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
        #expect(result.status == 4)
        #expect(result.json?["error"] as? String == "invalid api key")
        await harness.stop()
        #expect(!harness.everythingWritten.contains(sentinel))
        #expect(!harness.everythingWritten.contains(String(sentinel.dropFirst(7))))
    }
}

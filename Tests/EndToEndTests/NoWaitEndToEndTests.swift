import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `replayctl replay --no-wait` against the real daemon and simulator: it returns the pending replay at once
/// (exit 12) instead of waiting `[replays] wait` for an outcome replayd does not know yet.
@Suite struct NoWaitEndToEndTests {
    @Test func noWaitExitsPendingWhileTheSimulatorStillHoldsTheReplay() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        // The daemon would wait 10 minutes, and the simulator holds the replay for 5 before it creates the run:
        // only an answer that did not wait can come back while no run exists.
        try harness.writeConfig(replays: "wait = \"10m\"", attemptTimeout: "10m")
        try await harness.startDaemon()
        do {
            _ = try await harness.simulatorJSON(
                "/_sim/faults",
                method: "POST",
                body: #"{"faults":[{"kind":"latency","ms":300000,"count":100,"run_id":"run_failed_1"}]}"#
            )
            let result = try await harness.replayctl(["replay", "run_failed_1", "--no-wait", "-o", "json"])
            #expect(result.status == 12, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(try await harness.simulatorReplayTotal() == 0, "the simulator has not answered yet")
            let json = try #require(result.json, "stdout: \(result.stdout)")
            #expect(json["code"] as? String == "outcome_pending")
            let key = try #require(json["key"] as? String)
            let record = try await harness.socketRequest("GET", "/v1/replays/\(key)")
            #expect(record.status == 200)
            // Not final: `pending` or `in_flight`, or `reconciling` once the daemon's own transfer has given up on
            // the held request (on a loaded machine that can come before this read).
            let state = (try? JSONSerialization.jsonObject(with: Data(record.body.utf8)) as? [String: Any])?["state"]
            #expect(
                ["pending", "in_flight", "reconciling"].contains(state as? String ?? ""),
                "record: \(record.body)"
            )

            // The socket route itself: `Prefer: respond-async` is a 202 that says which preference it applied.
            let direct = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay?force=true",
                headers: ["Prefer: respond-async"]
            )
            #expect(direct.status == 202, "\(direct.headers) \(direct.body)")
            #expect(direct.headers.lowercased().contains("preference-applied: respond-async"))
            #expect(try await harness.simulatorReplayTotal() == 0)
        } catch {
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            try Self.killSimulator(harness)
            await harness.stop()
            throw error
        }
        // The simulator still holds both replays: stop it first, without waiting for them.
        try Self.killSimulator(harness)
        await harness.stop()
    }

    private static func killSimulator(_ harness: EndToEndHarness) throws {
        if let simulator = harness.simulator, simulator.isRunning { kill(simulator.pid, SIGKILL) }
    }
}

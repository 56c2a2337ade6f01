import Foundation
import Testing

/// `replayctl pause` and `resume` on the real daemon and the simulator: while paused, replays are accepted
/// durably and answered `202 paused`, nothing is sent, readiness is false; the pause survives a restart; resume
/// sends each held replay exactly once, in the order they came.
@Suite(.timeLimit(.minutes(10))) struct PauseEndToEndTests {
    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    @Test func pauseThenFiftyReplaysARestartAndResumeMakeExactlyFiftyRunsInOrder() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let count = 50
        let ids = (0..<count).map { String(format: "run_pause_%02d", $0) }
        let fixtures = try harness.writeFixtures(failedRunIDs: ids)
        try await harness.startSimulator(extraArguments: [
            "--fixtures", fixtures, "--ip-rate-limit", "0", "--key-rate-limit", "0",
        ])
        try harness.writeConfig(
            replays: "coalesce_window = \"0s\"",
            grants: EndToEndHarness.testerAndOperatorGrants
        )
        try await harness.startDaemon()

        let paused = try await harness.replayctl(["pause", "--all", "--reason", "Strait incident", "-o", "json"])
        #expect(paused.status == 0, "\(paused.stdout) \(paused.stderr)")
        #expect(Self.json(paused.stdout)["paused"] as? Bool == true)
        let notReady = try await harness.socketRequest("GET", "/v1/health")
        #expect(notReady.status == 503, "readiness is false while paused: \(notReady.body)")
        #expect(notReady.body.contains("replays are paused"))

        for (index, id) in ids.enumerated() {
            let answer = try await harness.socketRequest(
                "POST",
                "/v1/runs/\(id)/replay",
                headers: ["Idempotency-Key: pause-\(index)"]
            )
            #expect(answer.status == 202, "\(id): \(answer.body)")
            let error = Self.json(answer.body)["error"] as? [String: Any]
            #expect(error?["code"] as? String == "paused", "\(id): \(answer.body)")
        }
        #expect(try await harness.simulatorReplayTotal() == 0, "nothing is sent while paused")

        // A restart: the pause and the held replays survive it.
        let first = try #require(harness.daemon)
        #expect(await first.stop() == 0, "stderr: \(first.stderr.suffix(2000))")
        try await harness.startDaemon()
        let stillPaused = try await harness.socketRequest("GET", "/v1/health")
        #expect(stillPaused.status == 503, "the pause survived the restart: \(stillPaused.body)")
        let status = try await harness.replayctl(["status", "-o", "json"])
        let pause = Self.json(status.stdout)["pause"] as? [String: Any]
        #expect(pause?["paused"] as? Bool == true, "\(status.stdout)")
        #expect((pause?["held"] as? NSNumber)?.intValue == count, "\(status.stdout)")
        #expect(try await harness.simulatorReplayTotal() == 0, "nothing is sent while paused, even after a restart")

        let resumed = try await harness.replayctl(["resume"])
        #expect(resumed.status == 0, "\(resumed.stdout) \(resumed.stderr)")
        let ready = try await harness.socketRequest("GET", "/v1/health")
        #expect(ready.status == 200, "readiness is true after resume: \(ready.body)")

        var records: [[String: Any]] = []
        for index in 0..<count {
            let record = try await harness.waitForRecord(
                "pause-\(index)",
                in: ["succeeded", "failed", "indeterminate"]
            )
            #expect(record.state == "succeeded", "pause-\(index): \(record.body)")
            records.append(Self.json(record.body))
        }
        let counts = try await harness.simulatorJSON("/_sim/replays")
        #expect((counts["total"] as? NSNumber)?.intValue == count, "exactly \(count) runs")
        let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
        #expect(byOriginal.count == count)
        #expect(byOriginal.values.allSatisfy { ($0 as? NSNumber)?.intValue == 1 })

        // In order: each replay was sent once (one attempt, nothing recorded while paused), after the one before
        // it had been answered.
        var previousFinish: Date?
        for (index, record) in records.enumerated() {
            let attempts = record["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.count == 1, "pause-\(index) was sent once: \(attempts)")
            let recorded = Self.date(attempts.first?["recorded_at"] as? String)
            let finished = Self.date(attempts.first?["finished_at"] as? String)
            #expect(recorded != nil && finished != nil)
            if let previousFinish, let recorded {
                #expect(recorded >= previousFinish, "pause-\(index) was sent after pause-\(index - 1) was answered")
            }
            previousFinish = finished
        }
        await harness.stop()

        let tail = try await harness.replayd(["audit", "tail", "--config", harness.configPath, "-o", "json"])
        let stages = tail.stdout.split(separator: "\n").compactMap { Self.json(String($0))["stage"] as? String }
        #expect(stages.contains("pause") && stages.contains("resume"), "pause and resume are audited")
    }

    @Test func aSlackCommandWhileItsSourceIsPausedSaysTheReplayIsHeldAndSendsNothing() async throws {
        try await WebhookEndToEndTests.withWebhookStack(
            grants: EndToEndHarness.testerAndOperatorGrants + "\n\n" + WebhookEndToEndTests.webhookGrants
        ) { harness, capture, _ in
            let paused = try await harness.replayctl(["pause", "--source", "slack", "--reason", "deploy"])
            #expect(paused.status == 0, "\(paused.stdout) \(paused.stderr)")
            let answer = try await WebhookEndToEndTests.slackCommand(
                harness,
                text: "run_failed_1",
                trigger: "trigger-paused-1",
                responseURL: capture.url("/slack/response/paused")
            )
            #expect(answer.status == 200, "\(answer.body)")
            #expect(answer.body.contains("held: replays are paused"), "\(answer.body)")
            #expect(answer.body.contains("deploy"), "\(answer.body)")
            #expect(try await harness.simulatorReplayTotal() == 0, "nothing is sent while its source is paused")
        }
    }
}

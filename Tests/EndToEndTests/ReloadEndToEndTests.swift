import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP and `replayctl reload` on the real daemon: the config file is re-read, validated and swapped in; a
/// broken one is rejected (logged and audited with both digests) while the daemon keeps serving on the old one, a
/// valid one that adds a source serves it without a restart while a request in flight across the swap completes,
/// and systemd hears RELOADING=1 then READY=1.
@Suite(.timeLimit(.minutes(10))) struct ReloadEndToEndTests {
    @Test func sighupWithABrokenConfigKeepsServingAndIsAuditedAndAValidOneIsApplied() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig(grants: EndToEndHarness.testerAndOperatorGrants)
        let notifyName = "@replayd-e2e-reload-\(UUID().uuidString.prefix(12))"
        let notify = try TestSockets.datagramReceiver(at: notifyName)
        defer { close(notify) }
        try await harness.startDaemon(environment: ["NOTIFY_SOCKET": notifyName])
        let daemon = try #require(harness.daemon)
        var received: [String] = []
        func count(_ line: String) -> Int {
            received += TestSockets.receiveAvailable(notify)
            return received.filter { $0.split(separator: "\n").contains(Substring(line)) }.count
        }
        #expect(try await harness.eventually { count("READY=1") == 1 })

        let good = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try (good + "\n[replays\nbroken = \n").write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        let rejected = await daemon.waitForStderr { $0.contains("reload rejected") }
        #expect(rejected != nil, "stderr: \(daemon.stderr.suffix(2000))")
        #expect(try await harness.eventually { count("RELOADING=1") == 1 && count("READY=1") == 2 })
        #expect(daemon.isRunning)
        let replay = try await harness.socketRequest("POST", "/v1/runs/run_failed_1/replay")
        #expect(replay.status == 201, "still serving on the config loaded at start: \(replay.body)")
        let health = try await harness.socketRequest("GET", "/v1/health")
        #expect(health.status == 200)
        #expect(health.body.contains("the last reload was rejected"))

        try (good + "\n# a comment changes the digest\n").write(
            toFile: harness.configPath,
            atomically: true,
            encoding: .utf8
        )
        kill(daemon.pid, SIGHUP)
        let validated = await daemon.waitForStderr { $0.contains("reload applied: the config file is valid") }
        #expect(validated != nil, "stderr: \(daemon.stderr.suffix(2000))")
        #expect(try await harness.eventually { count("RELOADING=1") == 2 && count("READY=1") == 3 })
        await harness.stop()

        // Both reloads are in the audit log, with the digests of the config in force and of the file read.
        let audit = try FileManager.default.subpathsOfDirectory(atPath: harness.directory + "/state")
            .filter { $0.hasSuffix(".jsonl") || $0.contains("segment") || $0.hasSuffix(".log") }
            .compactMap { try? String(contentsOfFile: harness.directory + "/state/" + $0, encoding: .utf8) }
            .joined(separator: "\n")
        #expect(audit.contains("reload_rejected"), "audit: \(audit.suffix(2000))")
        #expect(audit.contains("reload_applied"))
        #expect(audit.contains("old_digest") && audit.contains("new_digest"))
    }
}

extension ReloadEndToEndTests {
    /// One Standard Webhooks source, `std`; `extra` is appended (a second source, or other sections).
    static func webhookConfig(_ extra: String = "") -> String {
        """
        [[principals]]
        name = "automation"

        [[grants]]
        name = "automation-replays"
        to = ["automation"]
        allow = ["replay"]

        [webhooks]
        listen = "127.0.0.1:0"

        [[sources]]
        name = "std"
        kind = "standard_webhooks"
        principal = "automation"
        [[sources.keys]]
        id = "k1"
        secret_env = "STD_SECRET"

        \(extra)
        """
    }

    @Test func aReloadThatAddsASourceServesItWithoutARestartAndARequestInFlightCompletes() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        // Strait holds the first replay 8 s: it is in flight, under the old config, when the reload swaps.
        let faults = harness.directory + "/faults.json"
        try #"{"faults":[{"kind":"latency","ms":8000,"count":1}]}"#.write(
            toFile: faults,
            atomically: true,
            encoding: .utf8
        )
        try await harness.startSimulator(extraArguments: ["--faults", faults])
        try harness.writeConfig(
            attemptTimeout: "30s",
            webhooks: Self.webhookConfig(),
            grants: EndToEndHarness.testerAndOperatorGrants
        )
        try await harness.startDaemon(environment: WebhookEndToEndTests.secrets)
        let daemon = try #require(harness.daemon)

        let before = try await WebhookEndToEndTests.standardWebhook(harness, id: "msg_before", runID: "run_failed_2")
        let unknown = try await harness.postWebhook("std2", body: before.body, headers: before.headers)
        #expect(unknown.status == 404, "std2 is not configured yet: \(unknown.body)")

        async let inFlight = harness.socketRequest(
            "POST",
            "/v1/runs/run_failed_1/replay",
            headers: ["Idempotency-Key: in-flight-across-reload"]
        )
        // Bounded wait until Strait holds it.
        #expect(try await harness.eventually { try await harness.simulatorRequestTotal() >= 1 })

        let good = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try
            (good
                + """

                [[sources]]
                name = "std2"
                kind = "standard_webhooks"
                principal = "automation"
                [[sources.keys]]
                id = "k1"
                secret_env = "STD_SECRET"
                """).write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let reload = try await harness.replayctl(["reload", "-o", "json"])
        #expect(reload.status == 0, "stdout: \(reload.stdout) stderr: \(reload.stderr)")
        let report = WebhookEndToEndTests.json(reload.stdout)
        #expect(report["result"] as? String == "applied")
        #expect((report["restart_needed"] as? [Any])?.isEmpty == true, "\(reload.stdout)")
        #expect(report["old_digest"] as? String != report["new_digest"] as? String)

        // The added source works at once, without a restart: its delivery is verified and replayed.
        let delivery = try await WebhookEndToEndTests.standardWebhook(harness, id: "msg_after", runID: "run_failed_2")
        let added = try await harness.postWebhook("std2", body: delivery.body, headers: delivery.headers)
        #expect(added.status == 202, "std2 after the reload: \(added.body)")
        let old = try await harness.postWebhook("std", body: before.body, headers: before.headers)
        #expect(old.status == 202, "std still works: \(old.body)")

        // The request in flight across the swap completes with its run.
        let finished = try await inFlight
        #expect(finished.status == 201, "in flight across the reload: \(finished.body)")
        #expect(daemon.isRunning)

        // A change the daemon cannot apply live is reported, and the rest of the reload still applies.
        let current = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try current.replacingOccurrences(of: "listen = \"127.0.0.1:0\"", with: "listen = \"127.0.0.1:1\"")
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let relisten = try await harness.replayctl(["reload", "-o", "json"])
        #expect(relisten.status == 0, "\(relisten.stdout) \(relisten.stderr)")
        let relistenReport = WebhookEndToEndTests.json(relisten.stdout)
        #expect((relistenReport["restart_needed"] as? [String])?.contains("[webhooks] listen") == true)
        let health = try await harness.socketRequest("GET", "/v1/health")
        #expect(health.body.contains("a restart is needed for [webhooks] listen"), "\(health.body)")

        // A broken file over the socket: rejected, exit 7, the config in force stays.
        try (current + "\n[replays\n").write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let broken = try await harness.replayctl(["reload", "-o", "table"])
        #expect(broken.status == 7, "\(broken.stdout) \(broken.stderr)")
        #expect(broken.stdout.contains("reload rejected"))
        let still = try await harness.postWebhook("std2", body: delivery.body, headers: delivery.headers)
        #expect(still.status == 202, "still serving the reloaded config: \(still.body)")
        await harness.stop()
        try current.write(toFile: harness.configPath, atomically: true, encoding: .utf8)

        let audit = try await WebhookEndToEndTests.auditRecords(harness)
        let reloads = audit.filter { ($0["stage"] as? String)?.hasPrefix("reload_") == true }
        #expect(
            reloads.compactMap { $0["stage"] as? String } == ["reload_applied", "reload_applied", "reload_rejected"]
        )
    }
}

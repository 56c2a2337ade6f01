import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP on the real daemon: the config file is re-read and validated; a broken one is rejected (logged and
/// audited with both digests) while the daemon keeps serving, and systemd hears RELOADING=1 then READY=1.
@Suite(.timeLimit(.minutes(10))) struct ReloadEndToEndTests {
    @Test func sighupWithABrokenConfigKeepsServingAndIsAuditedAndAValidOneIsValidated() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
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
        let validated = await daemon.waitForStderr { $0.contains("the config file is valid") }
        #expect(validated != nil, "stderr: \(daemon.stderr.suffix(2000))")
        #expect(try await harness.eventually { count("RELOADING=1") == 2 && count("READY=1") == 3 })
        await harness.stop()

        // Both reloads are in the audit log, with the digests of the config in force and of the file read.
        let audit = try FileManager.default.subpathsOfDirectory(atPath: harness.directory + "/state")
            .filter { $0.hasSuffix(".jsonl") || $0.contains("segment") || $0.hasSuffix(".log") }
            .compactMap { try? String(contentsOfFile: harness.directory + "/state/" + $0, encoding: .utf8) }
            .joined(separator: "\n")
        #expect(audit.contains("reload_rejected"), "audit: \(audit.suffix(2000))")
        #expect(audit.contains("reload_validated"))
        #expect(audit.contains("old_digest") && audit.contains("new_digest"))
    }
}

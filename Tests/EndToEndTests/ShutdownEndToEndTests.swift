import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Signals to the real daemon: SIGTERM drains replay drivers and every replay still ends with exactly one run
/// after a restart; SIGHUP is logged and ignored.
@Suite struct ShutdownEndToEndTests {
    @Test func sigtermWithTwoHundredReplaysInFlightEndsWithExactlyOneRunEachAfterARestart() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let count = 200
        let ids = (0..<count).map { String(format: "run_drain_%03d", $0) }
        let fixtures = try harness.writeFixtures(failedRunIDs: ids)
        // Strait holds every replay 15 s (longer than submitting all 200 takes), so they are all in flight when
        // SIGTERM comes; the grace period (1 s) is shorter, so drivers are cancelled mid-attempt. Lookups after the
        // restart are not delayed.
        let faults = harness.directory + "/faults.json"
        try #"{"faults":[{"kind":"latency","ms":15000,"count":\#(count)}]}"#.write(
            toFile: faults,
            atomically: true,
            encoding: .utf8
        )
        try await harness.startSimulator(extraArguments: [
            "--fixtures", fixtures, "--faults", faults, "--ip-rate-limit", "0", "--key-rate-limit", "0",
        ])
        // reconcile_settle is above Strait's 15 s: a lookup that finds no run only counts once Strait is done.
        try harness.writeConfig(
            replays: """
                coalesce_window = "0s"
                wait = "1ms"
                shutdown_grace = "1s"
                reconcile_settle = "25s"
                """,
            attemptTimeout: "30s"
        )
        try await harness.startDaemon()
        let file = harness.directory + "/runs.txt"
        try ids.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let submitted = try await harness.replayctl([
            "replay", "--from-file", file, "--concurrency", "32", "--no-wait", "-o", "json",
        ])
        let answers = submitted.stdout.split(separator: "\n")
        #expect(answers.count == count, "stderr: \(submitted.stderr.suffix(2000))")

        // Wait (bounded) until Strait holds every replay, then stop the daemon.
        let limit = ContinuousClock.now + .seconds(120)
        while try await harness.simulatorRequestTotal() < count, ContinuousClock.now < limit {
            try await Task.sleep(for: .milliseconds(20))
        }
        let daemon = try #require(harness.daemon)
        kill(daemon.pid, SIGTERM)
        #expect(await daemon.waitForExit() == 0, "stderr: \(daemon.stderr.suffix(3000))")
        #expect(daemon.stderr.contains("no new replay drivers"))
        #expect(!FileManager.default.fileExists(atPath: harness.socketPath), "the socket is removed")

        // The restart resumes whatever was left: wait (bounded) until nothing is pending.
        try await harness.startDaemon()
        var pending = -1
        let settleLimit = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < settleLimit {
            let list = try await harness.socketRequest("GET", "/v1/replays?pending=true")
            let json = (try? JSONSerialization.jsonObject(with: Data(list.body.utf8))) as? [String: Any]
            pending = (json?["data"] as? [Any])?.count ?? -1
            if pending == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(pending == 0)

        let counts = try await harness.simulatorJSON("/_sim/replays")
        #expect((counts["total"] as? NSNumber)?.intValue == count)
        let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
        #expect(byOriginal.count == count)
        #expect(byOriginal.values.allSatisfy { ($0 as? NSNumber)?.intValue == 1 })

        // Every replay succeeded: the same file again is answered from the stored records, with no new run.
        let again = try await harness.replayctl(["replay", "--from-file", file, "--concurrency", "16", "-o", "json"])
        #expect(again.status == 0, "stderr: \(again.stderr.suffix(2000))")
        let lines = again.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(lines.count == count)
        #expect(lines.allSatisfy { $0["status"] as? String == "replayed" })
        #expect(try await harness.simulatorReplayTotal() == count)
        await harness.stop()
    }

    /// SIGHUP is a reload request now (issue 12): it is logged and handled, and never stops the daemon.
    @Test func sighupIsLoggedAndHandledWithoutStopping() async throws {
        try await EndToEndHarness.withStack { harness in
            let daemon = try #require(harness.daemon)
            kill(daemon.pid, SIGHUP)
            let logged = await daemon.waitForStderr(limit: .seconds(120)) {
                $0.contains("SIGHUP received: re-reading the config")
                    && $0.contains("reload: the config file is unchanged")
            }
            #expect(logged != nil, "stderr: \(daemon.stderr.suffix(2000))")
            #expect(daemon.isRunning)
            let ping = try await harness.replayctl(["ping", "-o", "json"])
            #expect(ping.status == 0)
            #expect(FileManager.default.fileExists(atPath: harness.socketPath))
        }
    }

    @Test func auditTailFollowEndsCleanlyOnSIGTERM() async throws {
        try await EndToEndHarness.withStack { harness in
            let tail = try ManagedProcess(
                name: "audit-tail",
                executable: EndToEndHarness.replayd,
                arguments: ["audit", "tail", "-f", "-o", "json", "--dir", harness.directory + "/state/audit"],
                environment: ["PATH": "/usr/bin:/bin"],
                directory: harness.directory
            )
            // The daemon's start record is printed once the catch-up is done (and the signals are trapped).
            let caughtUp = await tail.waitForOutput(limit: .seconds(120)) { $0.contains("\"lifecycle\"") }
            #expect(caughtUp != nil, "stdout: \(tail.stdout.suffix(2000)) stderr: \(tail.stderr.suffix(2000))")
            kill(tail.pid, SIGTERM)
            #expect(await tail.waitForExit() == 0, "stderr: \(tail.stderr.suffix(2000))")
        }
    }
}

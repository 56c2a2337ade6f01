import Foundation
import Testing

/// The real `replayctl` in a pseudo-terminal against the simulator and replayd: the progress line, Ctrl-C's
/// summary and resume hint, `--follow`, `version` and `status`.
@Suite struct ReplayctlTerminalEndToEndTests {
    /// A stack whose simulator holds `count` failed runs, adds `latencyMs` to every request, and does not rate
    /// limit; plus the bulk file listing them.
    private func bulkStack(count: Int, latencyMs: Int) async throws -> (EndToEndHarness, file: String) {
        let harness = try EndToEndHarness()
        let ids = (0..<count).map { String(format: "run_tty_%04d", $0) }
        let fixtures = try harness.writeFixtures(failedRunIDs: ids)
        let faults = harness.directory + "/faults.json"
        try JSONSerialization.data(withJSONObject: ["latency_ms": latencyMs, "faults": [Any]()])
            .write(to: URL(fileURLWithPath: faults))
        try await harness.startSimulator(extraArguments: [
            "--fixtures", fixtures, "--faults", faults, "--ip-rate-limit", "0", "--key-rate-limit", "0",
        ])
        try harness.writeConfig(replays: "coalesce_window = \"0s\"")
        try await harness.startDaemon()
        let file = harness.directory + "/runs.txt"
        try ids.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return (harness, file)
    }

    private func terminal(_ harness: EndToEndHarness, _ arguments: [String]) throws -> PseudoTerminalProcess {
        try PseudoTerminalProcess(
            executable: EndToEndHarness.replayctl,
            arguments: arguments,
            environment: ["PATH": "/usr/bin:/bin", "REPLAYD_SOCKET": harness.socketPath, "TERM": "xterm"]
        )
    }

    /// The `done/total` counts the progress line has drawn, in order.
    private static func doneCounts(_ text: String, total: Int) -> [Int] {
        text.components(separatedBy: "/\(total) ").dropLast().compactMap { part in
            Int(part.split(whereSeparator: { !$0.isNumber }).last ?? "")
        }
    }

    /// 1,500 lines at 100 ms each, two at a time, would take 75 s, so Ctrl-C always lands mid-way, however late
    /// a loaded machine lets the test see the first lines done (with 300 lines, 15 s, it once saw them only after
    /// the bulk had finished). The resume then runs without the latency.
    @Test func ctrlCStopsABulkReplayWithASummaryAndTheSameCommandResumesToExactlyEveryRun() async throws {
        let total = 1500
        let (harness, file) = try await bulkStack(count: total, latencyMs: 100)
        defer { harness.cleanUp() }
        let arguments = ["replay", "--from-file", file, "--concurrency", "2"]
        let tty = try terminal(harness, arguments)
        // Wait until some lines are done, then press Ctrl-C on the terminal.
        let started = await tty.waitForText { Self.doneCounts($0, total: total).contains { $0 >= 10 } }
        #expect(started, "output: \(tty.text.suffix(2000))")
        tty.type([0x03])
        let status = await tty.waitForExit()
        let text = tty.text
        #expect(status == 130, "output: \(text.suffix(2000))")
        // The progress line's fields.
        #expect(text.contains("/s elapsed "))
        #expect(text.contains(" ETA "))
        #expect(text.contains("created "))
        #expect(text.contains("interrupted: no new replays are sent"))
        // The summary, and how to resume.
        #expect(text.contains("\(total) lines: "))
        #expect(text.contains(" not sent"))
        let hint = try #require(text.range(of: "run the same command to resume ("), "output: \(text.suffix(2000))")
        let left = Int(text[hint.upperBound...].prefix { $0.isNumber }) ?? -1
        #expect(left > 0 && left < total)
        let createdFirst = try await harness.simulatorReplayTotal()
        #expect(createdFirst < total)

        // The same command again completes the rest: exactly one run per line in all.
        _ = try await harness.simulatorJSON("/_sim/faults", method: "POST", body: #"{"latency_ms":0,"faults":[]}"#)
        let second = try await harness.replayctl(arguments + ["-o", "json"])
        #expect(second.status == 0, "stderr: \(second.stderr.suffix(2000))")
        #expect(try await harness.simulatorReplayTotal() == total)
        let counts = try await harness.simulatorJSON("/_sim/replays")
        let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
        #expect(byOriginal.count == total)
        #expect(byOriginal.values.allSatisfy { ($0 as? NSNumber)?.intValue == 1 })
        await harness.stop()
    }

    @Test func losingTheDaemonStopsWithOneErrorLineAndCountsNotSentApart() async throws {
        // 600 lines at 100 ms each, two at a time: about 30 s of work, so the daemon is stopped long before the
        // bulk could finish, however slow a loaded machine is to stop it (with 60 lines it sometimes finished).
        let (harness, file) = try await bulkStack(count: 600, latencyMs: 100)
        defer { harness.cleanUp() }
        let tty = try terminal(harness, ["replay", "--from-file", file, "--concurrency", "2"])
        let started = await tty.waitForText { Self.doneCounts($0, total: 600).contains { $0 >= 4 } }
        #expect(started, "output: \(tty.text.suffix(2000))")
        _ = await harness.daemon?.stop()
        let status = await tty.waitForExit()
        let text = tty.text
        #expect(status == 9 || status == 1, "output: \(text.suffix(2000))")
        let errorLines = text.components(separatedBy: "\n").filter { $0.contains("replayd is not reachable") }
        #expect(errorLines.count == 1, "output: \(text.suffix(3000))")
        #expect(text.contains("not sent (safe to retry)"))
        #expect(text.contains("run the same command to resume ("))
        await harness.stop()
    }

    private func followStack() async throws -> EndToEndHarness {
        let harness = try EndToEndHarness()
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon()
        return harness
    }

    /// Runs `replay run_failed_1 --follow` in a pty, moving the new run through `statuses` once replayctl has
    /// printed the previous one; returns the exit status and the output.
    private func follow(_ harness: EndToEndHarness, through statuses: [String]) async throws -> (Int32, String) {
        let tty = try terminal(
            harness,
            ["replay", "run_failed_1", "--follow", "--follow-interval", "0.2", "--idempotency-key", "follow-1"]
        )
        let queued = await tty.waitForText { $0.contains(": queued") }
        #expect(queued, "output: \(tty.text)")
        let newRunID = try #require(
            tty.text.components(separatedBy: "as run ").dropFirst().first?.prefix { !$0.isWhitespace }
        )
        for status in statuses {
            _ = try await harness.simulatorJSON(
                "/_sim/runs/\(newRunID)/status",
                method: "POST",
                body: #"{"status":"\#(status)"}"#
            )
            let seen = await tty.waitForText { $0.contains("run \(newRunID): \(status)") }
            #expect(seen, "output: \(tty.text)")
        }
        return (await tty.waitForExit(), tty.text)
    }

    @Test func followExitsZeroWhenTheNewRunCompletes() async throws {
        let harness = try await followStack()
        defer { harness.cleanUp() }
        let (status, text) = try await follow(harness, through: ["executing", "completed"])
        #expect(status == 0, "output: \(text)")
        #expect(text.contains("completed"))
        await harness.stop()
    }

    @Test func followExitsOneLikeTheStraitCLIWhenTheNewRunFails() async throws {
        let harness = try await followStack()
        defer { harness.cleanUp() }
        let (status, text) = try await follow(harness, through: ["executing", "failed"])
        #expect(status == 1, "output: \(text)")
        #expect(text.contains("reached terminal status \"failed\""))
        await harness.stop()
    }

    @Test func versionAndStatusShowTheClientTheDaemonAndTheCaller() async throws {
        let harness = try await followStack()
        defer { harness.cleanUp() }
        let version = try await harness.replayctl(["version", "-o", "json"])
        #expect(version.status == 0, "stderr: \(version.stderr)")
        let client = try #require(version.json?["client"] as? [String: Any])
        let daemon = try #require(version.json?["daemon"] as? [String: Any])
        #expect(client["version"] as? String != nil)
        #expect(daemon["version"] as? String != nil)

        let tty = try terminal(harness, ["status"])
        #expect(await tty.waitForExit() == 0, "output: \(tty.text)")
        let text = tty.text
        #expect(text.contains("you        uid \(getuid()), principal tester"))
        #expect(text.contains("  breaker  "))
        #expect(text.contains("  limit    "))
        #expect(text.contains("0 of yours pending"))

        // An explicit table when piped is a table; `-q` prints ids only.
        let pending = try await harness.replayctl(["pending", "-o", "table"])
        #expect(pending.stdout == "no pending replays\n")
        let quiet = try await harness.replayctl([
            "replay", "run_failed_1", "-q", "--socket", "unix://" + harness.socketPath,
        ])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.split(separator: "\n").count == 1)
        #expect(quiet.stdout.count == 37)  // A UUIDv7 and a newline.
        await harness.stop()
    }
}

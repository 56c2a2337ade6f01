import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `replayd serve` and `replayd config check` against unsafe files (issue 9): a refused second instance
/// leaves the audit log verifying, and directories other users control stop the start with the path and the fix.
@Suite struct FileTrustEndToEndTests {
    /// The 1-based line of the first line of `configPath` that starts with `prefix`.
    private static func line(_ prefix: String, in harness: EndToEndHarness) throws -> Int {
        let text = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) })
        return index + 1
    }

    private static func serveEnvironment() -> [String: String] {
        ["STRAIT_API_KEY": EndToEndHarness.demoKey]
    }

    /// Before the fix the second instance wrote its start and stop records into the live log, then found the lock
    /// held; `audit verify` then said `tampered: seq 2 … rewritten`.
    @Test func aRefusedSecondInstanceWritesNothingAndTheLogStillVerifies() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon()
        let first = try #require(harness.daemon)

        let second = try await harness.replayd(
            ["serve", "--config", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(second.status == 1)
        #expect(second.stderr.contains("already running"), "\(second.stderr)")
        #expect(second.stderr.contains("pid \(first.pid)"), "\(second.stderr)")

        // The first instance still serves and records.
        #expect(try await harness.replayctl(["replay", "run_failed_1", "-o", "json"]).status == 0)
        await harness.stop()

        let auditDirectory = harness.directory + "/state/audit"
        let verify = try await harness.replayd(
            ["audit", "verify", "--dir", auditDirectory, "--key", harness.directory + "/state/audit.key"]
        )
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let segments = try FileManager.default.contentsOfDirectory(atPath: auditDirectory).filter {
            $0.hasPrefix("audit-")
        }
        let text = try segments.map { try String(contentsOfFile: auditDirectory + "/" + $0, encoding: .utf8) }.joined()
        let starts = text.split(separator: "\n").filter {
            $0.contains(#""kind":"lifecycle""#) && $0.contains(#""stage":"start""#)
        }
        #expect(starts.count == 1, "one start record: the second instance wrote none")
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give a directory to another user"))
    func anotherUsersSocketDirectoryStopsServeAndConfigCheck() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try harness.writeConfig(upstream: "http://127.0.0.1:9")
        let run = harness.directory + "/run"
        #expect(mkdir(run, 0o777) == 0)
        #expect(chmod(run, 0o777) == 0)
        #expect(chown(run, 65534, 65534) == 0)
        let line = try Self.line("path = ", in: harness)

        let check = try await harness.replayd(
            ["config", "check", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(check.status == 3)
        #expect(
            check.stderr.contains(
                "\(harness.configPath):\(line): socket.path: socket directory \(run) is owned by uid 65534"
            ),
            "\(check.stderr)"
        )
        #expect(check.stderr.contains("fix: chown root \(run) && chmod 0750 \(run)"), "\(check.stderr)")

        let serve = try await harness.replayd(
            ["serve", "--config", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("socket directory \(run) is owned by uid 65534"), "\(serve.stderr)")
        #expect(serve.stderr.contains("fix: chown root \(run) && chmod 0750 \(run)"), "\(serve.stderr)")
        var info = stat()
        #expect(lstat(harness.directory + "/state", &info) != 0, "nothing was created before the refusal")
    }

    @Test func aSymlinkedStateDirectoryStopsServeAndConfigCheck() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try harness.writeConfig(upstream: "http://127.0.0.1:9")
        let state = harness.directory + "/state"
        let elsewhere = harness.directory + "/elsewhere"
        #expect(mkdir(elsewhere, 0o700) == 0)
        #expect(symlink(elsewhere, state) == 0)
        let line = try Self.line("dir = ", in: harness)

        let check = try await harness.replayd(
            ["config", "check", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(check.status == 3)
        #expect(
            check.stderr.contains(
                "\(harness.configPath):\(line): state.dir: state directory \(state) is a symbolic link; replayd does not "
                    + "follow symbolic links; fix: configure the real path (readlink -f \(state))"
            ),
            "\(check.stderr)"
        )

        let serve = try await harness.replayd(
            ["serve", "--config", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(serve.status == 1)
        #expect(serve.stderr.contains("state directory \(state) is a symbolic link"), "\(serve.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty,
            "nothing written through the link"
        )
    }

    @Test func aGroupWritableAuditKeyStopsServeAndConfigCheck() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let key = harness.directory + "/audit.key"
        try harness.writeConfig(upstream: "http://127.0.0.1:9", audit: "key_file = \"\(key)\"")
        try Data(String(repeating: "a", count: 64).utf8).write(to: URL(fileURLWithPath: key))
        #expect(chmod(key, 0o660) == 0)
        let line = try Self.line("key_file = ", in: harness)
        let problem = "audit key \(key) has mode 0660, so other users can read or change it; fix: chmod 0600 \(key)"

        let check = try await harness.replayd(
            ["config", "check", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(check.status == 3)
        #expect(check.stderr.contains("\(harness.configPath):\(line): audit.key_file: \(problem)"), "\(check.stderr)")

        let serve = try await harness.replayd(
            ["serve", "--config", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(serve.status == 1)
        #expect(serve.stderr.contains(problem), "\(serve.stderr)")
        var info = stat()
        #expect(lstat(harness.directory + "/state/audit", &info) != 0, "no audit log was opened")
    }

    @Test func aSymlinkedLockFileStopsServeWithoutCreatingItsTarget() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try harness.writeConfig(upstream: "http://127.0.0.1:9")
        let run = harness.directory + "/run"
        #expect(mkdir(run, 0o750) == 0)
        let target = harness.directory + "/planted-by-someone"
        #expect(symlink(target, harness.socketPath + ".lock") == 0)

        let serve = try await harness.replayd(
            ["serve", "--config", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(serve.status == 1)
        #expect(
            serve.stderr.contains(
                "lock file \(harness.socketPath).lock is a symbolic link; replayd does not follow symbolic links; "
                    + "fix: rm \(harness.socketPath).lock (replayd creates it)"
            ),
            "\(serve.stderr)"
        )
        var info = stat()
        #expect(lstat(target, &info) != 0, "nothing was created where the link points")
        let check = try await harness.replayd(
            ["config", "check", harness.configPath],
            environment: Self.serveEnvironment()
        )
        #expect(check.status == 3)
        #expect(check.stderr.contains("socket.path: lock file \(harness.socketPath).lock is a symbolic link"))
    }
}

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `replayctl` against each local socket problem and each bad argument, with replayd down: each has its
/// own message, exit code and fix, and no libcurl text unless `--debug`.
@Suite struct ReplayctlErrorsEndToEndTests {
    private static let libcurlWords = ["port 80", "Couldn't connect", "curl"]

    private func expectNoLibcurlText(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for word in Self.libcurlWords {
            #expect(!result.stderr.contains(word), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
            #expect(!result.stdout.contains(word), "stdout: \(result.stdout)", sourceLocation: sourceLocation)
        }
    }

    @Test func noSocketAtThePath() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let result = try await harness.replayctl(["ping", "-o", "table"])
        #expect(result.status == 9)
        #expect(result.stderr.contains("replayd is not reachable at \(harness.socketPath): no socket there"))
        #expect(result.stderr.contains("systemctl start replayd"))
        expectNoLibcurlText(result)
        let json = try await harness.replayctl(["ping", "-o", "json"])
        #expect(json.json?["reason"] as? String == "no_socket")
        #expect((json.json?["exit_code"] as? NSNumber)?.intValue == 9)
        // --debug adds libcurl's own words.
        let debug = try await harness.replayctl(["ping", "-o", "table", "--debug"])
        #expect(debug.status == 9)
        #expect(debug.stderr.contains("libcurl: could_not_connect"))
    }

    @Test func aRegularFileIsNotASocket() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let file = harness.directory + "/not-a-socket"
        try "hello".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await harness.replayctl(["ping", "-o", "table", "--socket", file])
        #expect(result.status == 9)
        #expect(result.stderr.contains("the path is a regular file, not a socket"))
        #expect(result.stderr.contains("--socket or REPLAYD_SOCKET"))
        expectNoLibcurlText(result)
    }

    @Test func aStaleSocketMeansReplaydIsNotRunning() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let stale = try UnixListener(path: harness.directory + "/stale.sock", listen: false)
        let result = try await harness.replayctl(["ping", "-o", "json", "--socket", "unix://" + stale.path])
        #expect(result.status == 9)
        #expect(result.json?["reason"] as? String == "not_running")
        #expect((result.json?["error"] as? String)?.contains("nothing listens on the socket") == true)
        expectNoLibcurlText(result)
        withExtendedLifetime(stale) {}
    }

    @Test func permissionDeniedNamesTheSocketsGroup() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let socket = try UnixListener(path: harness.directory + "/replayd.sock", listen: true)
        chmod(socket.path, 0o660)
        let group =
            getgrgid(getgid()).flatMap { entry in entry.pointee.gr_name.map { String(cString: $0) } }
            ?? String(getgid())
        // As `nobody`, who is not in the socket's group.
        let result = try await harness.run(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", EndToEndHarness.replayctl, "ping", "-o", "table"],
            environment: ["REPLAYD_SOCKET": socket.path]
        )
        #expect(result.status == 9, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("permission denied while connecting to the socket"))
        #expect(result.stderr.contains("join group \(group) and log in again"))
        expectNoLibcurlText(result)
        withExtendedLifetime(socket) {}
    }

    @Test func aDaemonThatTakesTheConnectionButNeverAnswers() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        // Listening, never accepting: the connect succeeds (the backlog) and no answer ever comes.
        let socket = try UnixListener(path: harness.directory + "/stuck.sock", listen: true)
        let result = try await harness.replayctl(["ping", "-o", "json", "--timeout", "1", "--socket", socket.path])
        #expect(result.status == 1)
        #expect(result.json?["reason"] as? String == "not_answering")
        let message = try #require(result.json?["error"] as? String)
        #expect(message.contains("took the connection but did not answer within 1 s (--timeout)"))
        expectNoLibcurlText(result)
        withExtendedLifetime(socket) {}
    }

    @Test func aDaemonAnsweringWithAnErrorKeepsItsCodeAndStatus() async throws {
        try await EndToEndHarness.withStack { harness in
            let result = try await harness.replayctl(["show", "no-such-key", "-o", "json"])
            #expect(result.status == 5)
            #expect((result.json?["status"] as? NSNumber)?.intValue == 404)
            #expect(result.json?["reason"] == nil)
        }
    }

    @Test(arguments: [
        (["replay", "a/b"], "RUN_ID: invalid run id \"a/b\": must not contain \"/\""),
        (["replay", ""], "RUN_ID: invalid run id \"\": must not be empty"),
        (["replay", ".."], "RUN_ID: invalid run id \"..\""),
        (["replay", "run_1", "--from-checkpoint", "x"], "--from-checkpoint must be a positive integer, got \"x\""),
        (["replay", "run_1", "--from-checkpoint", "0"], "--from-checkpoint must be a positive integer, got \"0\""),
        (["replay", "run_1", "--idempotency-key", "tab\there"], "--idempotency-key: invalid idempotency key"),
        (["show", String(repeating: "k", count: 256)], "KEY: invalid idempotency key"),
        (["resolve", "k1", "--succeeded", "x/y"], "--succeeded: invalid run id"),
        (["ping", "--socket", "tcp://127.0.0.1:1"], "--socket takes a path or unix:///path"),
    ])
    func badArgumentsExit3NamingTheArgumentWithTheDaemonDown(arguments: [String], message: String) async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let result = try await harness.replayctl(arguments)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test func anUnknownOutputFormatInTheEnvironmentIsAUsageError() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let result = try await harness.replayctl(["ping"], environment: ["REPLAYCTL_OUTPUT": "yaml"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("REPLAYCTL_OUTPUT must be one of table, json, jsonl, compact"))
        // A valid one is used when -o is not given.
        let compact = try await harness.replayctl(["ping"], environment: ["REPLAYCTL_OUTPUT": "compact"])
        #expect(compact.status == 9)
        #expect(compact.stdout.split(separator: "\n").count == 1)
        #expect(compact.json?["reason"] as? String == "no_socket")
    }
}

/// A Unix socket bound at `path` in a test's directory, listening or not (then connecting is refused: a stale
/// socket); closed on deinit.
final class UnixListener: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String, listen shouldListen: Bool) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw HarnessError("path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard descriptor >= 0, bound == 0 else {
            throw HarnessError("bind \(path): \(String(cString: strerror(errno)))")
        }
        if shouldListen, listen(descriptor, 16) != 0 {
            throw HarnessError("listen \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
    }
}

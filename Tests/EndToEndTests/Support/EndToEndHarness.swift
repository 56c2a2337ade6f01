import Curl
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real binaries for one test: `replayd simulate` on an ephemeral port, `replayd serve` on a socket in
/// the test's own temp dir, and `replayctl`. Every process writes into that dir, so tests run in parallel and the
/// secret test can grep all of it.
final class EndToEndHarness: @unchecked Sendable {
    /// The simulator's demo key with `runs:write` (a fake key; it exists only in the bundled fixtures).
    static let demoKey = "strait_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    let directory: String
    let socketPath: String
    let configPath: String
    private(set) var simulator: ManagedProcess?
    private(set) var daemon: ManagedProcess?
    private var daemonStarts = 0
    private var earlierDaemons: [ManagedProcess] = []
    private(set) var simulatorURL = ""
    private var commands: [CommandResult] = []
    private let lock = NSLock()

    init() throws {
        directory = "/tmp/replayd-e2e-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socketPath = directory + "/run/replayd.sock"
        configPath = directory + "/replayd.toml"
    }

    /// The directory holding the built `replayd` and `replayctl` (next to the test bundle).
    static var productsDirectory: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("replayd").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }

    static var replayd: String { productsDirectory + "/replayd" }
    static var replayctl: String { productsDirectory + "/replayctl" }

    /// Runs `body` against a fresh simulator and daemon (with `replays` added to the `[replays]` section), then
    /// stops both; on failure the daemon's log tail is attached to the test.
    static func withStack(
        replays: String = "",
        grants: String = EndToEndHarness.testerGrant,
        _ body: (EndToEndHarness) async throws -> Void
    ) async throws {
        let harness = try EndToEndHarness()
        do {
            try await harness.startSimulator()
            try harness.writeConfig(replays: replays, grants: grants)
            try await harness.startDaemon()
            try await body(harness)
        } catch {
            await harness.stop()
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            throw error
        }
        await harness.stop()
        harness.cleanUp()
    }

    /// Starts the simulator and waits for its `listening on` line.
    func startSimulator(extraArguments: [String] = []) async throws {
        let process = try ManagedProcess(
            name: "simulator",
            executable: Self.replayd,
            arguments: ["simulate", "--listen", "127.0.0.1:0"] + extraArguments,
            environment: ["PATH": "/usr/bin:/bin"],
            directory: directory
        )
        simulator = process
        guard let output = await process.waitForOutput({ $0.contains("listening on http://") }),
            let line = output.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
            let range = line.range(of: "http://")
        else {
            throw HarnessError("simulator did not start: \(process.stderr)")
        }
        simulatorURL = String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    /// What the test principal may do unless a test says otherwise: what being mapped allowed before grants.
    static let testerGrant = """
        [[grants]]
        name = "tester-as-before"
        to = ["tester"]
        allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]
        """

    /// The operator actions, for tests of reload, pause, token admin and explain --as (never implied by
    /// ``testerGrant``: under grants each needs its own).
    static let operatorGrant = """
        [[grants]]
        name = "tester-operator"
        to = ["tester"]
        allow = ["reload", "pause", "token_admin", "explain_as"]
        """

    /// ``testerGrant`` and ``operatorGrant``.
    static let testerAndOperatorGrants = testerGrant + "\n\n" + operatorGrant

    /// `[limits]` for tests about something else: bulk and flood tests send thousands of replays from one user.
    static let limitsOff = "enabled = false\nmax_in_flight_per_principal = 65536"

    /// Writes a config whose principal is this process's uid (or `principalUID`), pointing at `upstream`, with
    /// `grants` (by default ``testerGrant``) and `state` added to the `[state]` section.
    func writeConfig(
        upstream: String? = nil,
        principalUID: UInt32 = getuid(),
        extraUpstream: String = "",
        replays: String = "",
        audit: String = "",
        state: String = "",
        attemptTimeout: String = "5s",
        webhooks: String = "",
        grants: String = EndToEndHarness.testerGrant,
        limits: String = EndToEndHarness.limitsOff
    ) throws {
        let toml = """
            [upstream]
            base_url = "\(upstream ?? simulatorURL)"
            api_key_env = "STRAIT_API_KEY"
            connect_timeout = "2s"
            timeout = "\(attemptTimeout)"
            max_attempts = 3
            retry_base_delay = "50ms"
            retry_max_delay = "200ms"
            \(extraUpstream)

            [socket]
            path = "\(socketPath)"

            [state]
            dir = "\(directory)/state"
            \(state)

            [log]
            level = "trace"
            format = "text"

            [replays]
            \(replays.contains("reconcile_settle") ? "" : "reconcile_settle = \"3s\"")
            \(replays)

            [audit]
            \(audit)

            [limits]
            \(limits)

            [[principals]]
            name = "tester"
            unix_uids = [\(principalUID)]

            \(grants)

            \(webhooks)
            """
        try toml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts `replayd serve` and waits until its socket answers.
    func startDaemon(apiKey: String = EndToEndHarness.demoKey, environment: [String: String] = [:]) async throws {
        daemonStarts += 1
        let process = try ManagedProcess(
            name: "daemon-\(daemonStarts)",
            executable: Self.replayd,
            arguments: ["serve", "--config", configPath],
            environment: ["PATH": "/usr/bin:/bin", "STRAIT_API_KEY": apiKey].merging(environment) { $1 },
            directory: directory
        )
        if let previous = daemon { earlierDaemons.append(previous) }
        daemon = process
        let deadline = ContinuousClock.now + Self.hangGuard
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: socketPath) {
                let ping = try await replayctl(["ping", "-o", "json"])
                if ping.status == 0 { return }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("daemon did not start: \(process.stderr)")
    }

    /// `curl` over the socket: `METHOD path` with an optional JSON body; returns status and body. curl gives up
    /// after 10 minutes, a hang guard (not a timing assertion), so a request the daemon never answers fails the
    /// test instead of hanging the suite.
    func socketRequest(
        _ method: String,
        _ path: String,
        body: String? = nil,
        headers: [String] = []
    ) async throws
        -> (status: Int, body: String, headers: String)
    {
        var arguments = ["-sS", "-i", "--max-time", "600", "--unix-socket", socketPath, "-X", method]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        arguments.append("http://localhost" + path)
        let result = try await run("/usr/bin/curl", arguments)
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, parts.dropFirst().joined(separator: "\r\n\r\n"), head)
    }

    /// How long a test waits for something the daemon does in the background before it gives up: a hang guard,
    /// not a timing assertion (it takes milliseconds to seconds on an idle machine).
    static let hangGuard: Duration = .seconds(300)

    /// Polls `condition` until it holds; false when it still does not after ``hangGuard``.
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + Self.hangGuard
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// Reads `GET /v1/replays/{key}` until its `state` is one of `states` (or ``hangGuard`` passes); returns the
    /// last state read and the record's body.
    func waitForRecord(_ key: String, in states: Set<String>) async throws -> (state: String, body: String) {
        var last = (state: "", body: "")
        _ = try await eventually {
            let record = try await socketRequest("GET", "/v1/replays/\(key)")
            let json = (try? JSONSerialization.jsonObject(with: Data(record.body.utf8))) as? [String: Any]
            last = (json?["state"] as? String ?? "", record.body)
            return states.contains(last.state)
        }
        return last
    }

    /// Runs `replayd` with `arguments` to completion.
    func replayd(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        try await run(Self.replayd, arguments, environment: environment)
    }

    /// Runs `replayctl` against this harness's socket.
    func replayctl(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        try await run(
            Self.replayctl,
            arguments,
            environment: ["REPLAYD_SOCKET": socketPath].merging(environment) { $1 }
        )
    }

    /// Runs any program to completion, recording its output.
    func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws
        -> CommandResult
    {
        let name = "cmd-\(UUID().uuidString.prefix(8))"
        let process = try ManagedProcess(
            name: name,
            executable: executable,
            arguments: arguments,
            environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 },
            directory: directory
        )
        let status = await process.waitForExit()
        let result = CommandResult(status: status, stdout: process.stdout, stderr: process.stderr)
        lock.withLock { commands.append(result) }
        return result
    }

    /// A libcurl client for a test's own requests to the daemon and the simulator. Its only timeouts are hang
    /// guards of minutes (libcurl's 15 s low-speed window is off): on a loaded 2-core machine either process can be
    /// slower than the product's defaults, and a test that checks something else must not fail on that. A test
    /// whose daemon is stopped, or waits for a lease to expire, passes a longer `totalTimeout`.
    static func makeClient(totalTimeout: Duration = .seconds(300)) throws -> CurlClient {
        try CurlClient(
            configuration: CurlClientConfiguration(
                connectTimeout: .seconds(120),
                totalTimeout: totalTimeout,
                lowSpeedLimitBytesPerSecond: 0
            ),
            logger: Logger(label: "e2e")
        )
    }

    /// Runs `body` with a fresh ``makeClient(totalTimeout:)`` client, and shuts the client down before returning,
    /// whether `body` returned or threw.
    static func withClient<Result>(
        totalTimeout: Duration = .seconds(300),
        _ body: (CurlClient) async throws -> Result
    ) async throws -> Result {
        let client = try makeClient(totalTimeout: totalTimeout)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Sends `request` on a fresh ``makeClient(totalTimeout:)`` client, and shuts the client down before returning.
    static func sendOnce(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await withClient { try await $0.send(request) }
    }

    /// GETs a simulator control route (`/_sim/...`) through our libcurl client.
    func simulatorJSON(_ path: String, method: String = "GET", body: String? = nil) async throws -> [String: Any] {
        let response = try await Self.sendOnce(
            HTTPRequest(
                method: method,
                url: simulatorURL + path,
                headers: body == nil ? [:] : ["Content-Type": "application/json"],
                body: body.map { Array($0.utf8) }
            )
        )
        guard (200..<300).contains(response.status) else {
            throw HarnessError("simulator \(path) answered \(response.status)")
        }
        return (try JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    /// `GET /v1/runs/{id}` on the simulator with the demo key.
    func simulatorRun(_ id: String) async throws -> [String: Any] {
        let response = try await Self.sendOnce(
            HTTPRequest(
                method: "GET",
                url: simulatorURL + "/v1/runs/" + id,
                headers: ["Authorization": "Bearer " + Self.demoKey, "Accept": "application/json"]
            )
        )
        guard response.status == 200 else { throw HarnessError("GET run \(id) answered \(response.status)") }
        return (try JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    /// How many runs the simulator created in all.
    func simulatorReplayTotal() async throws -> Int {
        (try await simulatorJSON("/_sim/replays")["total"] as? NSNumber)?.intValue ?? -1
    }

    /// How many non-control requests the simulator received in all.
    func simulatorRequestTotal() async throws -> Int {
        (try await simulatorJSON("/_sim/requests")["total"] as? NSNumber)?.intValue ?? -1
    }

    /// Everything every process and command wrote.
    var everythingWritten: String {
        var text = ([simulator, daemon].compactMap { $0 } + earlierDaemons).map { $0.stdout + $0.stderr }
            .joined(separator: "\n")
        text += lock.withLock { commands.map { $0.stdout + $0.stderr }.joined(separator: "\n") }
        return text
    }

    func stop() async {
        if let daemon { _ = await daemon.stop() }
        if let simulator { _ = await simulator.stop() }
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

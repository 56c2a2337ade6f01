import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Sentinel secrets through every door and every operator route, at `trace`, in JSON logs: the upstream key and a
/// webhook secret (both read from `$CREDENTIALS_DIRECTORY`, as under systemd's `LoadCredential=`) never appear in
/// anything any process wrote, nor in the health and metrics bodies.
@Suite(.timeLimit(.minutes(10))) struct OperationsSecretsEndToEndTests {
    static let githubSecret = "sentinel-ops-github-secret-4b1d"

    @Test func noSentinelSecretInLogsHealthOrMetricsOfAnyDoor() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        let credentials = harness.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        for (name, value) in [("strait-api-key", EndToEndHarness.demoKey), ("github-secret", Self.githubSecret)] {
            let path = credentials + "/" + name
            try Data((value + "\n").utf8).write(to: URL(fileURLWithPath: path))
            #expect(chmod(path, 0o400) == 0)
        }
        try harness.writeConfig(
            webhooks: """
                [[principals]]
                name = "octo"
                github_logins = ["octocat"]

                [[grants]]
                name = "octo-as-before"
                to = ["octo"]
                allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]

                [admin]
                listen = "127.0.0.1:0"

                [webhooks]
                listen = "127.0.0.1:0"

                [[sources]]
                name = "gh"
                kind = "github"
                [[sources.keys]]
                id = "k1"
                secret_file = "$CREDENTIALS_DIRECTORY/github-secret"
                """
        )
        var config = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        config = config.replacingOccurrences(
            of: "api_key_env = \"STRAIT_API_KEY\"",
            with: "api_key_file = \"$CREDENTIALS_DIRECTORY/strait-api-key\""
        )
        config = config.replacingOccurrences(of: "format = \"text\"", with: "format = \"json\"")
        try config.write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        try await harness.startDaemon(apiKey: "not-the-key", environment: ["CREDENTIALS_DIRECTORY": credentials])

        var bodies: [String] = []
        // The socket door: a replay, a refusal, health, metrics, status.
        for (method, path) in [
            ("POST", "/v1/runs/run_failed_1/replay"), ("POST", "/v1/runs/%ZZ/replay"), ("GET", "/v1/health"),
            ("GET", "/metrics"), ("GET", "/v1/gateway/status"),
        ] {
            bodies.append(try await harness.socketRequest(method, path).body)
        }
        // The webhook door: a ping signed with the secret, and a forged signature.
        let webhookPort = try #require(Self.port(of: "webhook listener ready", in: harness))
        let adminPort = try #require(Self.port(of: "admin listener ready", in: harness))
        let ping = #"{"zen":"Keep it logically awesome.","hook_id":42,"hook":{"type":"Repository"}}"#
        let pingPath = harness.directory + "/ping.json"
        try Data(ping.utf8).write(to: URL(fileURLWithPath: pingPath))
        let signature = try await harness.opensslHMACHex(secret: Self.githubSecret, ping)
        var statuses: [String] = []
        for value in ["sha256=\(signature)", "sha256=" + String(repeating: "0", count: 64)] {
            let result = try await harness.run(
                "/usr/bin/curl",
                [
                    "-sS", "--max-time", "600", "-w", "\n%{http_code}", "-H", "Content-Type: application/json",
                    "-H", "X-GitHub-Event: ping", "-H", "X-GitHub-Delivery: d-\(value.suffix(6))",
                    "-H", "X-GitHub-Hook-ID: 42", "-H", "X-Hub-Signature-256: \(value)",
                    "--data-binary", "@\(pingPath)", "http://127.0.0.1:\(webhookPort)/hooks/gh",
                ]
            )
            bodies.append(result.stdout)
            statuses.append(String(result.stdout.split(separator: "\n").last ?? ""))
        }
        #expect(statuses == ["200", "401"], "webhook answers: \(bodies.suffix(2))")
        // The admin listener.
        for path in ["/v1/health", "/metrics", "/v1/_ping"] {
            let result = try await harness.run(
                "/usr/bin/curl",
                ["-sS", "--max-time", "600", "http://127.0.0.1:\(adminPort)\(path)"]
            )
            bodies.append(result.stdout)
        }
        await harness.stop()

        let everything = harness.everythingWritten + bodies.joined(separator: "\n")
        // The daemon runs at `trace`, so every debug line is in what is searched.
        #expect(everything.contains("\"level\":\"debug\""), "the daemon logged its debug lines")
        #expect(bodies.contains { $0.contains("replayd_requests_total") })
        for sentinel in [EndToEndHarness.demoKey, String(EndToEndHarness.demoKey.dropFirst(7)), Self.githubSecret] {
            #expect(!everything.contains(sentinel), "a sentinel secret was written")
        }
    }

    /// The port in the daemon's JSON `message … "port":N` line.
    static func port(of message: String, in harness: EndToEndHarness) -> Int? {
        let log = harness.daemon?.stderr ?? ""
        guard let line = log.split(separator: "\n").last(where: { $0.contains(message) }),
            let range = line.range(of: #""port":"#)
        else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
}

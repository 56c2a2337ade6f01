import Foundation
import Testing

@testable import ReplayCore

/// Whole files: load from disk, the shipped examples, the summary, and a sentinel secret that must never leak.
@Suite struct ConfigLoadTests {
    private static let fullFile = """
        # A file setting every key.
        [upstream]
        base_url = "https://api.strait.example/"
        api_key_file = "KEYPATH"
        allow_insecure_http = true
        connect_timeout = "2s"
        timeout = "45s"
        low_speed_limit = 10
        low_speed_time = "20s"
        max_response_size = "4MiB"
        max_attempts = 5
        retry_base_delay = "100ms"
        retry_max_delay = "10s"

        [socket]
        path = "/run/replayd/test.sock"
        group = "replayd"
        max_header_size = "8KiB"
        max_body_size = 65536
        read_timeout = "5s"
        idle_timeout = "2m"
        max_connections = 16

        [state]
        dir = "/var/lib/replayd-test"

        [log]
        level = "warning"
        format = "json"

        [replays]
        retention = "48h"
        coalesce_window = "0s"
        wait = "5s"
        reconcile_horizon = "2h"
        max_rpc_batch = 50

        [audit]
        dir = "/var/lib/replayd-test/trail"
        key_file = "/etc/replayd/audit.key"
        signing_key_file = "/etc/replayd/audit-signing.key"
        origin = "build-01/replayd"
        segment_max_size = "16MiB"
        segment_max_age = "12h"
        retention = "720h"
        min_free_space = "1GiB"
        group_commit_wait = "5ms"
        group_commit_max = 128
        checkpoint_every = 500
        checkpoint_interval = "30s"
        denial_interval = "2m"

        [[principals]]
        name = "alice"
        unix_users = ["alice"]
        unix_uids = [1000]
        unix_groups = ["oncall"]

        [[principals]]
        name = "deploy"
        unix_uids = [998, 999]

        [[grants]]
        name = "as-before"
        to = ["alice", "deploy"]
        allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]
        """

    @Test func fullFileRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let keyPath = directory + "/strait.key"
            try writeFile(keyPath, "k-123\n", mode: 0o600)
            let configPath = directory + "/replayd.toml"
            try writeFile(configPath, Self.fullFile.replacingOccurrences(of: "KEYPATH", with: keyPath))

            let config = try ReplaydConfig.load(path: configPath, environment: [:])
            #expect(config.upstream.baseURL == "https://api.strait.example")
            #expect(config.upstream.apiKeySource == .file(keyPath))
            #expect(config.upstream.apiKey?.withUnsafeValue { $0 } == "k-123")
            #expect(config.upstream.allowInsecureHTTP)
            #expect(config.upstream.connectTimeout == .seconds(2))
            #expect(config.upstream.timeout == .seconds(45))
            #expect(config.upstream.lowSpeedLimit == 10)
            #expect(config.upstream.lowSpeedTime == .seconds(20))
            #expect(config.upstream.maxResponseSize == 4 << 20)
            #expect(config.upstream.maxAttempts == 5)
            #expect(config.upstream.retryBaseDelay == .milliseconds(100))
            #expect(config.upstream.retryMaxDelay == .seconds(10))
            #expect(
                config.socket
                    == SocketConfig(
                        path: "/run/replayd/test.sock",
                        group: .name("replayd"),
                        maxHeaderSize: 8192,
                        maxBodySize: 65_536,
                        readTimeout: .seconds(5),
                        idleTimeout: .seconds(120),
                        maxConnections: 16
                    )
            )
            #expect(config.state.directory == "/var/lib/replayd-test")
            #expect(config.log == LogConfig(level: .warning, format: .json))
            #expect(
                config.replays
                    == ReplaysConfig(
                        retention: .seconds(172_800),
                        coalesceWindow: .zero,
                        wait: .seconds(5),
                        reconcileHorizon: .seconds(7200),
                        maxRPCBatch: 50
                    )
            )
            #expect(config.audit.directory(state: config.state) == "/var/lib/replayd-test/trail")
            #expect(config.audit.retention == .seconds(720 * 3600))
            #expect(config.audit.groupCommitMax == 128)
            #expect(
                config.principals == [
                    PrincipalConfig(name: "alice", unixUsers: ["alice"], unixUIDs: [1000], unixGroups: ["oncall"]),
                    PrincipalConfig(name: "deploy", unixUIDs: [998, 999]),
                ]
            )

            let summary = config.summary()
            #expect(
                summary == """
                    [upstream]
                      base_url: https://api.strait.example
                      api_key: <redacted> (from file \(keyPath), 5 bytes)
                      allow_insecure_http: true
                      connect_timeout: 2s
                      timeout: 45s (per attempt)
                      low_speed_limit: 10 bytes/s
                      low_speed_time: 20s
                      max_response_size: 4MiB (4194304 bytes)
                      max_attempts: 5
                      retry_base_delay: 100ms
                      retry_max_delay: 10s

                    [socket]
                      path: /run/replayd/test.sock
                      group: replayd
                      max_header_size: 8KiB (8192 bytes)
                      max_body_size: 64KiB (65536 bytes)
                      read_timeout: 5s
                      header_timeout: 5s
                      idle_timeout: 2m
                      max_connections: 16
                      max_connections_per_uid: 16

                    [state]
                      dir: /var/lib/replayd-test

                    [log]
                      level: warning
                      format: json

                    [replays]
                      retention: 48h
                      coalesce_window: 0s (off)
                      wait: 5s
                      deadline: 10m
                      reconcile_horizon: 2h
                      reconcile_settle: 35s
                      reconcile_max_delay: 1m
                      max_retry_after: 10m
                      prune_interval: 10m
                      max_rpc_batch: 50
                      breaker_failures: 5
                      breaker_open_time: 30s
                      shutdown_grace: 10s

                    [audit]
                      dir: /var/lib/replayd-test/trail
                      key_file: /etc/replayd/audit.key
                      signing_key_file: /etc/replayd/audit-signing.key
                      origin: build-01/replayd
                      segment_max_size: 16MiB (16777216 bytes)
                      segment_max_age: 12h
                      retention: 720h
                      min_free_space: 1GiB (1073741824 bytes)
                      group_commit_wait: 5ms
                      group_commit_max: 128
                      checkpoint_every: 500 records
                      checkpoint_interval: 30s
                      denial_interval: 2m

                    [webhooks] (off: no [[sources]])

                    [[principals]] alice
                      unix_users: alice
                      unix_uids: 1000
                      unix_groups: oncall
                      slack_users: (none)
                      discord_users: (none)
                      github_logins: (none)
                    [[principals]] deploy
                      unix_users: (none)
                      unix_uids: 998, 999
                      unix_groups: (none)
                      slack_users: (none)
                      discord_users: (none)
                      github_logins: (none)
                    [[grants]] as-before
                      to: alice, deploy
                      allow: replay, replay_from_checkpoint, force, bulk, read, resolve

                    [auth]
                      run_lookup_ttl: 5m
                      run_lookup_cache_size: 10000

                    """
            )
        }
    }

    @Test func summaryOfDefaults() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig,
            environment: ["STRAIT_API_KEY": String(repeating: "x", count: 71)]
        )
        let summary = config.summary()
        #expect(summary.contains("  api_key: <redacted> (from env STRAIT_API_KEY, 71 bytes)\n"))
        #expect(summary.contains("  max_response_size: 8MiB (8388608 bytes)\n"))
        #expect(summary.contains("  group: (none: the daemon's group)\n"))
        #expect(summary.contains("  dir: /var/lib/replayd\n"))
        #expect(summary.contains("[[principals]] (none: every socket caller will be refused)\n"))
        #expect(summary.contains("  key_file: /var/lib/replayd/audit.key (created if missing)\n"))
        #expect(summary.contains("  retention: 0s (keep forever)\n"))
        #expect(!summary.contains("xxxxxxxx"))

        let unloaded = try ReplaydConfig.decode(toml: minimalConfig, environment: nil).summary()
        #expect(unloaded.contains("  api_key: (not loaded; from env STRAIT_API_KEY)\n"))
    }

    @Test func unreadableFiles() throws {
        try withTemporaryDirectory { directory in
            let missing = directory + "/missing.toml"
            #expect(
                throws: ConfigErrors([.unreadableFile(missing, reason: "cannot be opened (No such file or directory)")])
            ) {
                try ReplaydConfig.load(path: missing, environment: [:])
            }
            do throws(ConfigErrors) {
                _ = try ReplaydConfig.load(path: missing, environment: [:])
            } catch {
                #expect(error.description == "\(missing): config file cannot be opened (No such file or directory)")
            }
            let binary = directory + "/binary.toml"
            try Data([0x61, 0x20, 0x3D, 0x20, 0xFF]).write(to: URL(fileURLWithPath: binary))
            #expect(throws: ConfigErrors([.unreadableFile(binary, reason: "is not UTF-8 text")])) {
                try ReplaydConfig.load(path: binary, environment: [:])
            }
            #expect(throws: ConfigErrors([.unreadableFile(directory, reason: "is not a regular file")])) {
                try ReplaydConfig.load(path: directory, environment: [:])
            }
        }
    }

    @Test func errorsFromAFileNameIt() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/replayd.toml"
            try writeFile(path, minimalConfig + "pathh = \"/x\"\n")
            do throws(ConfigErrors) {
                _ = try ReplaydConfig.load(path: path, environment: ["STRAIT_API_KEY": "k"])
                Issue.record("loaded")
            } catch {
                #expect(error.description == "\(path):7: socket.pathh: unknown key (did you mean \"path\"?)")
            }
        }
    }

    /// A sentinel secret, in both the environment and a file, must not appear in any error or in the summary.
    @Test func sentinelSecretNeverLeaks() throws {
        let sentinel = "SENTINEL-7f3a9c-DO-NOT-LEAK"
        try withTemporaryDirectory { directory in
            var texts: [String] = []
            let keyPath = directory + "/strait.key"
            let base = "[socket]\npath = \"/s\"\n[upstream]\nbase_url = \"https://x\"\n"

            // Loaded successfully: summary, descriptions, dumps.
            try writeFile(keyPath, sentinel + "\n", mode: 0o600)
            for source in ["api_key_env = \"STRAIT_API_KEY\"", "api_key_file = \"\(keyPath)\""] {
                let config = try ReplaydConfig.decode(toml: base + source, environment: ["STRAIT_API_KEY": sentinel])
                #expect(config.upstream.apiKey?.withUnsafeValue { $0 } == sentinel)
                texts.append(config.summary())
                texts.append(String(describing: config))
                texts.append(String(reflecting: config))
                var dumped = ""
                dump(config, to: &dumped)
                texts.append(dumped)
            }

            // Refused: a world-readable file, a value with extra line breaks, alongside other errors.
            func errors(_ toml: String, _ environment: [String: String]) -> String {
                decodeErrors(toml, environment: environment).map(\.description).joined(separator: "\n")
            }
            try writeFile(keyPath, sentinel, mode: 0o644)
            texts.append(errors(base + "api_key_file = \"\(keyPath)\"\ntimeout = 1", [:]))
            try writeFile(keyPath, sentinel + "\n\n", mode: 0o600)
            texts.append(errors(base + "api_key_file = \"\(keyPath)\"", [:]))
            texts.append(errors(base + "api_key_env = \"K\"\nmax_attempts = 0", ["K": sentinel + "\nX"]))
            // Pasted in the wrong place.
            texts.append(errors(base + "api_key = \"\(sentinel)\"", [:]))
            texts.append(errors(base + "api_key_env = \"\(sentinel)\"", [:]))
            texts.append(errors(base + "api_key_file = \"\(sentinel)\"", [:]))
            texts.append(errors(base + "api_key_env = \"K\"\nstrait_key = \"\(sentinel)\"", ["K": "k"]))
            texts.append(
                errors(
                    "[upstream]\nbase_url = \"https://u:\(sentinel)@x\"\napi_key_env = \"K\"\n[socket]\npath = \"/s\"",
                    ["K": "k"]
                )
            )

            #expect(texts.count == 16)
            for text in texts {
                #expect(!text.contains(sentinel), "\(text)")
                #expect(!text.contains("7f3a9c"), "\(text)")
            }
        }
    }

    @Test(arguments: ["Config/replayd.example.toml", "Config/demo.toml"])
    func shippedConfigsAreValid(_ file: String) throws {
        let path = packageRoot + "/" + file
        let config = try ReplaydConfig.load(
            path: path,
            environment: ["STRAIT_API_KEY": "demo-key", "DEMO_GITHUB_SECRET": "demo-webhook-secret"]
        )
        #expect(config.upstream.apiKey?.byteCount == 8)
        #expect(!config.principals.isEmpty)
    }

    @Test func exampleFileSetsEveryKey() throws {
        let text = try String(contentsOfFile: packageRoot + "/Config/replayd.example.toml", encoding: .utf8)
        let root = try TOMLParser.parse(text)
        let expected: [String: Set<String>] = [
            "upstream": [
                "base_url", "api_key_env", "allow_insecure_http", "connect_timeout", "timeout", "low_speed_limit",
                "low_speed_time", "max_response_size", "max_attempts", "retry_base_delay", "retry_max_delay",
            ],
            "socket": [
                "path", "group", "max_header_size", "max_body_size", "header_timeout", "read_timeout", "idle_timeout",
                "max_connections", "max_connections_per_uid",
            ],
            "state": ["dir"],
            "log": ["level", "format"],
        ]
        for (section, keys) in expected {
            #expect(Set(root[section]?.tableValue?.keys ?? []) == keys, "\(section)")
        }
        #expect(text.contains("# api_key_file = "))
        let principalKeys = Set(root["principals"]?.arrayValue?.flatMap { $0.tableValue?.keys ?? [] } ?? [])
        #expect(
            principalKeys == [
                "name", "unix_users", "unix_uids", "unix_groups", "slack_users", "discord_users", "github_logins",
                "groups",
            ]
        )
        let grantKeys = Set(root["grants"]?.arrayValue?.flatMap { $0.tableValue?.keys ?? [] } ?? [])
        #expect(
            grantKeys == [
                "name", "to", "allow", "projects", "jobs", "doors", "sources", "channels", "not_before", "not_after",
            ]
        )
        let webhookKeys = Set(root["webhooks"]?.tableValue?.keys ?? [])
        #expect(
            webhookKeys == [
                "listen", "trusted_proxies", "max_body_size", "max_header_size", "idle_timeout", "header_timeout",
                "read_timeout", "max_connections", "max_connections_per_client", "preauth_rate",
                "preauth_burst", "failure_threshold", "failure_block", "failure_block_max", "timestamp_tolerance",
                "dedup_ttl", "discord_api_url", "followup_allow_insecure_http",
            ]
        )

        let demo = try ReplaydConfig.decode(
            toml: try String(contentsOfFile: packageRoot + "/Config/demo.toml", encoding: .utf8),
            environment: nil
        )
        #expect(demo.upstream.baseURL == "http://127.0.0.1:18080")
        #expect(demo.socket.path == "/tmp/replayd-demo/replayd.sock")
        #expect(demo.state.directory == "/tmp/replayd-demo/state")
        #expect(
            demo.principals == [
                PrincipalConfig(name: "root", unixUIDs: [0]),
                PrincipalConfig(name: "octocat", githubLogins: ["octocat"]),
            ]
        )
        #expect(demo.sources.map(\.name) == ["github"])
        #expect(demo.webhooks.listen.description == "127.0.0.1:18787")
    }
}

import Testing

@testable import ReplayCore

/// The strict decoder: every problem is reported with the full key path and the line, and all are reported.
@Suite struct ConfigDecodingTests {
    private func descriptions(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        decodeErrors(toml, sourceLocation: sourceLocation).map(\.description)
    }

    private func decode(_ toml: String) throws -> ReplaydConfig {
        try ReplaydConfig.decode(toml: toml, file: "replayd.toml", environment: nil)
    }

    @Test func minimalFileGetsDefaults() throws {
        let config = try decode(minimalConfig)
        #expect(config.upstream.baseURL == "http://127.0.0.1:8080")
        #expect(config.upstream.apiKeySource == .environment("STRAIT_API_KEY"))
        #expect(config.upstream.apiKey == nil)
        #expect(config.upstream.allowInsecureHTTP == false)
        #expect(config.upstream.connectTimeout == .seconds(5))
        #expect(config.upstream.timeout == .seconds(30))
        #expect(config.upstream.lowSpeedLimit == 1)
        #expect(config.upstream.lowSpeedTime == .seconds(15))
        #expect(config.upstream.maxResponseSize == 8 << 20)
        #expect(config.upstream.maxAttempts == 3)
        #expect(config.upstream.retryBaseDelay == .milliseconds(250))
        #expect(config.upstream.retryMaxDelay == .seconds(5))
        #expect(config.socket == SocketConfig())
        #expect(config.state == StateConfig())
        #expect(config.log == LogConfig())
        #expect(config.principals.isEmpty)
    }

    @Test func wrongTypeNamesKeyPathAndLine() {
        let toml =
            "[upstream]\nbase_url = \"http://127.0.0.1:8080\"\napi_key_env = \"STRAIT_API_KEY\"\n"
            + String(repeating: "# filler\n", count: 8)
            + "timeout = 30\n[socket]\npath = \"/run/replayd/replayd.sock\"\n"
        #expect(
            descriptions(toml) == [
                #"replayd.toml:12: upstream.timeout: expected a duration such as "30s" or "250ms", got integer 30"#
            ]
        )
    }

    @Test func unknownKeySuggestsTheClosestKnownKey() {
        let toml = """
            [socket]
            path = "/run/replayd/replayd.sock"
            pathh = "/run/replayd/other.sock"
            [upstream]
            base_url = "http://127.0.0.1:8080"
            api_key_env = "STRAIT_API_KEY"
            retries = 3
            """
        let errors = decodeErrors(toml)
        #expect(
            errors.map(\.description) == [
                #"replayd.toml:3: socket.pathh: unknown key (did you mean "path"?)"#,
                "replayd.toml:7: upstream.retries: unknown key",
            ]
        )
        #expect(errors.map(\.code) == [.unknownKey, .unknownKey])
        #expect(errors[0].keyPath == "socket.pathh")
        #expect(errors[0].line == 3)
    }

    @Test func unknownSectionsAndNestedKeys() {
        let toml =
            minimalConfig + """
                [grant]
                allow = ["replay"]
                [log]
                levle = "info"
                [[principals]]
                name = "a"
                unix_uids = [1]
                teams_users = ["U1"]
                [[grants]]
                to = ["a"]
                allow = ["replay"]
                """
        #expect(
            descriptions(toml) == [
                #"replayd.toml:7: grant: unknown key (did you mean "grants"?)"#,
                #"replayd.toml:10: log.levle: unknown key (did you mean "level"?)"#,
                "replayd.toml:14: principals[0].teams_users: unknown key",
            ]
        )
    }

    @Test func badDurationsAndRanges() {
        let toml = """
            [upstream]
            base_url = "http://127.0.0.1:8080"
            api_key_env = "STRAIT_API_KEY"
            timeout = "30 seconds"
            connect_timeout = "0s"
            low_speed_time = "1500ms"
            retry_base_delay = "2s"
            retry_max_delay = "1s"
            max_attempts = 11
            max_response_size = "8MB"
            low_speed_limit = 1.5
            [socket]
            path = "/run/replayd/replayd.sock"
            max_body_size = 100
            idle_timeout = true
            """
        #expect(
            descriptions(toml) == [
                #"replayd.toml:4: upstream.timeout: expected a duration such as "30s" or "250ms", got string "30 seconds""#,
                "replayd.toml:5: upstream.connect_timeout: must be between 1ms and 5m, got 0s",
                #"replayd.toml:6: upstream.low_speed_time: must be a whole number of seconds, such as "15s""#,
                "replayd.toml:8: upstream.retry_max_delay: must be at least retry_base_delay (2s), got 1s",
                "replayd.toml:9: upstream.max_attempts: must be between 1 and 10, got 11",
                #"replayd.toml:10: upstream.max_response_size: expected a size in bytes such as 16384 or "16KiB", got string "8MB""#,
                "replayd.toml:11: upstream.low_speed_limit: expected an integer, got float 1.5",
                "replayd.toml:14: socket.max_body_size: must be between 1KiB and 64MiB, got 100B",
                "replayd.toml:15: socket.idle_timeout: expected a duration such as \"30s\" or \"250ms\", got boolean true",
            ]
        )
    }

    @Test func missingRequiredKeys() {
        let errors = decodeErrors("")
        #expect(
            errors.map(\.description) == [
                "replayd.toml: upstream.base_url: required key is missing",
                "replayd.toml: upstream.api_key_env: required key is missing; "
                    + "set api_key_env (an environment variable) or api_key_file (a file path)",
                "replayd.toml: socket.path: required key is missing",
            ]
        )
        #expect(errors.allSatisfy { $0.code == .missingKey })

        #expect(
            descriptions("[upstream]\napi_key_env = \"K\"\n\n[socket]\ngroup = \"g\"\n") == [
                "replayd.toml:1: upstream.base_url: required key is missing",
                "replayd.toml:4: socket.path: required key is missing",
            ]
        )
    }

    @Test func sectionsOfTheWrongType() {
        let toml = "upstream = 5\nsocket = \"x\"\nprincipals = { name = \"a\" }\n[state]\ndir = [\"/x\"]\n"
        #expect(
            descriptions(toml) == [
                "replayd.toml:1: upstream: expected a table ([upstream]), got integer 5",
                #"replayd.toml:2: socket: expected a table ([socket]), got string "x""#,
                "replayd.toml:3: principals: expected an array of tables ([[principals]]), got a table",
                "replayd.toml:5: state.dir: expected a string, got an array",
            ]
        )
    }

    @Test func principalsAreDecoded() throws {
        let config = try decode(
            minimalConfig + """
                [[principals]]
                name = "alice"
                unix_users = ["alice"]
                unix_uids = [1000]
                unix_groups = ["oncall"]
                [[principals]]
                name = "ci.bot_2-x"
                unix_uids = [0, 4294967294]
                groups = ["bots"]
                [[grants]]
                name = "bots"
                to = ["alice", "group:bots"]
                allow = ["replay", "read_all"]
                projects = ["proj_a"]
                [auth]
                run_lookup_ttl = "1m"
                run_lookup_cache_size = 50
                """
        )
        #expect(
            config.principals == [
                PrincipalConfig(name: "alice", unixUsers: ["alice"], unixUIDs: [1000], unixGroups: ["oncall"]),
                PrincipalConfig(name: "ci.bot_2-x", unixUIDs: [0, 4_294_967_294], groups: ["bots"]),
            ]
        )
        #expect(
            config.grants == [
                GrantConfig(
                    name: "bots",
                    to: ["alice", "group:bots"],
                    allow: [.replay, .readAll],
                    projects: ["proj_a"]
                )
            ]
        )
        #expect(config.auth.runLookupTTL == .seconds(60))
        #expect(config.auth.runLookupCacheSize == 50)
    }

    @Test func duplicatePrincipalName() {
        let toml =
            minimalConfig + """
                [[principals]]
                name = "alice"
                unix_uids = [1000]

                [[principals]]
                name = "alice"
                unix_uids = [1001]

                [[grants]]
                to = ["alice"]
                allow = ["read"]
                """
        let errors = decodeErrors(toml)
        #expect(
            errors.map(\.description) == [
                #"replayd.toml:12: principals[1].name: principal "alice" is already defined on line 8"#
            ]
        )
        #expect(errors.first?.code == .duplicate)
    }

    @Test func principalMappingsMustBeUniqueAndPresent() {
        let toml =
            minimalConfig + """
                [[principals]]
                name = "alice"
                unix_uids = [1000, 1000]
                unix_users = ["alice"]
                unix_groups = ["oncall"]
                [[principals]]
                name = "bob"
                unix_uids = [1000]
                unix_users = ["alice"]
                unix_groups = ["oncall"]
                [[principals]]
                name = "nobody"
                unix_uids = []
                [[principals]]
                name = "bad name!"
                unix_uids = [-1, "2"]
                unix_users = [""]
                [[grants]]
                to = ["alice"]
                allow = ["read"]
                """
        #expect(
            descriptions(toml) == [
                "replayd.toml:9: principals[0].unix_uids: uid 1000 is listed twice",
                #"replayd.toml:14: principals[1].unix_uids: uid 1000 already maps to principal "alice" (line 9); "#
                    + "a caller may map to only one principal",
                #"replayd.toml:15: principals[1].unix_users: user "alice" already maps to principal "alice" "#
                    + "(line 10); a caller may map to only one principal",
                #"replayd.toml:16: principals[1].unix_groups: group "oncall" already maps to principal "alice" "#
                    + "(line 11); a caller may map to only one principal",
                "replayd.toml:17: principals[2]: a principal needs at least one of unix_users, unix_uids, "
                    + "unix_groups, slack_users, discord_users, github_logins, unless a [[sources]] entry names it "
                    + "as its principal",
                "replayd.toml:21: principals[3].name: must be 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and "
                    + #"'-', got "bad name!""#,
                "replayd.toml:22: principals[3].unix_uids[0]: must be between 0 and 4294967294, got -1",
                #"replayd.toml:22: principals[3].unix_uids[1]: expected an integer, got string "2""#,
                "replayd.toml:23: principals[3].unix_users[0]: must be a user or group name (letters, digits, '.', "
                    + #"'_', '-', '@', '$'), got """#,
            ]
        )
    }

    @Test func principalNameIsRequired() {
        let toml = minimalConfig + "[[principals]]\nunix_uids = [5]\n"
        #expect(descriptions(toml) == ["replayd.toml:7: principals[0].name: required key is missing"])
    }

    @Test func baseURLChecks() throws {
        func url(_ value: String, insecure: Bool = false) -> [String] {
            let toml =
                "[upstream]\nbase_url = \(value)\napi_key_env = \"K\"\nallow_insecure_http = \(insecure)\n"
                + "[socket]\npath = \"/s\"\n"
            return decodeErrors(toml).map(\.message)
        }
        #expect(
            url(#""http://strait.internal:8080""#) == [
                "plain http:// to strait.internal, which is not loopback, would send the API key unencrypted; "
                    + "use https:// or set allow_insecure_http = true"
            ]
        )
        #expect(url(#""ftp://x""#) == [#"must start with http:// or https://, got "ftp://x""#])
        #expect(url(#""https://""#) == [#"must name a host, such as "https://api.strait.dev", got "https://""#])
        #expect(
            url(#""https://x/a?b=1""#) == [#"must not have a query (?...) or fragment (#...), got "https://x/a?b=1""#]
        )
        #expect(
            url(#""not a url""#) == [
                #"must be an http(s) URL such as "https://api.strait.dev", without spaces, got "not a url""#
            ]
        )
        #expect(url(#""https://x:0""#) == [#"has port 0; a port must be between 1 and 65535, got "https://x:0""#])
        #expect(url(#""https://user:hunter2@x""#) == ["must not contain credentials; use api_key_env or api_key_file"])
        #expect(url("8080") == ["expected a string, got integer 8080"])

        func decoded(_ value: String, insecure: Bool = false) throws -> String {
            let toml =
                "[upstream]\nbase_url = \"\(value)\"\napi_key_env = \"K\"\nallow_insecure_http = \(insecure)\n"
                + "[socket]\npath = \"/s\"\n"
            return try decode(toml).upstream.baseURL
        }
        #expect(try decoded("http://strait.internal:8080/", insecure: true) == "http://strait.internal:8080")
        #expect(try decoded("https://api.strait.dev/v1//") == "https://api.strait.dev/v1")
        #expect(try decoded("http://localhost:1") == "http://localhost:1")
        #expect(try decoded("http://127.1.2.3") == "http://127.1.2.3")
        #expect(try decoded("http://[::1]:8080") == "http://[::1]:8080")
    }

    @Test func apiKeySources() throws {
        let header = "[socket]\npath = \"/s\"\n[upstream]\nbase_url = \"https://x\"\n"
        #expect(
            try decode(header + "api_key_file = \"/etc/replayd/strait.key\"").upstream.apiKeySource
                == .file("/etc/replayd/strait.key")
        )
        #expect(
            descriptions(header + "api_key_env = \"A\"\napi_key_file = \"/k\"") == [
                "replayd.toml:6: upstream.api_key_file: set only one of api_key_env and api_key_file"
            ]
        )
        #expect(
            descriptions(header + "api_key_file = \"strait.key\"") == [
                "replayd.toml:5: upstream.api_key_file: must be an absolute path (starting with /)"
            ]
        )
        #expect(
            descriptions(header + "api_key_env = \"sk-live-abc123\"") == [
                "replayd.toml:5: upstream.api_key_env: must be the name of an environment variable "
                    + #"(letters, digits and _), such as "STRAIT_API_KEY""#
            ]
        )
        #expect(
            descriptions(header + "api_key_env = 5") == [
                "replayd.toml:5: upstream.api_key_env: expected a string, got integer 5"
            ]
        )
    }

    @Test func inlineAPIKeyIsRefusedWithoutShowingIt() {
        let toml = "[socket]\npath = \"/s\"\n[upstream]\nbase_url = \"https://x\"\napi_key = \"sk-inline-secret\"\n"
        let errors = decodeErrors(toml)
        #expect(errors.count == 1)
        #expect(
            errors[0].description
                == "replayd.toml:5: upstream.api_key: secrets are never written in the config file; use "
                + #"api_key_env = "STRAIT_API_KEY" (an environment variable) or api_key_file = "#
                + #""/etc/replayd/strait.key" (a file only replayd can read)"#
        )
        #expect(!errors.map(\.description).joined().contains("sk-inline-secret"))

        let mistyped = decodeErrors(minimalConfig + "[state]\ntoken = 5\nsecret_key = [\"sk-x\"]\n")
        #expect(mistyped.map(\.code) == [.unknownKey, .unknownKey])
    }

    @Test func unknownKeysNeverShowTheirValues() {
        let toml = minimalConfig + "token = \"sk-live-1\"\n[log]\npassword = \"sk-live-2\"\n"
        let errors = decodeErrors(toml)
        #expect(errors.map(\.keyPath) == ["socket.token", "log.password"])
        #expect(!errors.map(\.description).joined().contains("sk-live"))
    }

    @Test func socketSettings() throws {
        let base = "[upstream]\nbase_url = \"https://x\"\napi_key_env = \"K\"\n[socket]\n"
        let config = try decode(
            base + """
                path = "/tmp/r.sock"
                group = "replayd"
                max_header_size = 32768
                max_body_size = "2MiB"
                read_timeout = "1m30s"
                idle_timeout = "24h"
                max_connections = 1
                """
        )
        #expect(
            config.socket
                == SocketConfig(
                    path: "/tmp/r.sock",
                    group: .name("replayd"),
                    maxHeaderSize: 32_768,
                    maxBodySize: 2 << 20,
                    readTimeout: .seconds(90),
                    idleTimeout: .seconds(86_400),
                    maxConnections: 1
                )
        )
        #expect(try decode(base + "path = \"/s\"\ngroup = 1001").socket.group == .id(1001))
        #expect(try decode(base + "path = \"/s\"\ngroup = \"1001\"").socket.group == .id(1001))
        let longPath = "/" + String(repeating: "a", count: 107)
        #expect(
            descriptions(base + "path = \"\(longPath)\"\ngroup = \"bad group\"\nmax_connections = 0") == [
                "replayd.toml:5: socket.path: is 108 bytes long; a Unix socket path must be shorter than 108 bytes",
                "replayd.toml:6: socket.group: must be a user or group name (letters, digits, '.', '_', '-', '@', "
                    + #"'$'), got "bad group""#,
                "replayd.toml:7: socket.max_connections: must be between 1 and 65536, got 0",
            ]
        )
        #expect(
            descriptions(base + "path = \"run/replayd.sock\"\ngroup = -1") == [
                "replayd.toml:5: socket.path: must be an absolute path (starting with /)",
                "replayd.toml:6: socket.group: must be between 0 and 4294967294, got -1",
            ]
        )
        #expect(try decode(base + "path = \"/\(String(repeating: "a", count: 106))\"").socket.path.utf8.count == 107)
    }

    @Test func shutdownGrace() throws {
        #expect(try decode(minimalConfig).replays.shutdownGrace == .seconds(10))
        #expect(try decode(minimalConfig + "[replays]\nshutdown_grace = \"0s\"\n").replays.shutdownGrace == .zero)
        #expect(
            try decode(minimalConfig + "[replays]\nshutdown_grace = \"45s\"\n").replays.shutdownGrace == .seconds(45)
        )
        #expect(
            descriptions(minimalConfig + "[replays]\nshutdown_grace = \"2h\"\n") == [
                "replayd.toml:8: replays.shutdown_grace: must be between 0s and 1h, got 2h"
            ]
        )
    }

    @Test func stateAndLog() throws {
        let config = try decode(
            minimalConfig + "[state]\ndir = \"/srv/replayd\"\n[log]\nlevel = \"trace\"\nformat = \"json\"\n"
        )
        #expect(config.state.directory == "/srv/replayd")
        #expect(config.log.level == .trace)
        #expect(config.log.format == .json)
        #expect(
            descriptions(minimalConfig + "[state]\ndir = \"state\"\n[log]\nlevel = \"verbose\"\nformat = \"xml\"\n")
                == [
                    "replayd.toml:8: state.dir: must be an absolute path (starting with /)",
                    "replayd.toml:10: log.level: must be one of trace, debug, info, notice, warning, error, critical, "
                        + #"got "verbose""#,
                    #"replayd.toml:11: log.format: must be one of text, json, auto, got "xml""#,
                ]
        )
    }

    @Test func everyErrorIsReportedInFileOrder() {
        let toml = """
            [log]
            level = "loud"
            [upstream]
            base_url = "gopher://x"
            api_key_env = "STRAIT_API_KEY"
            timeout = 30
            colour = "blue"
            [socket]
            path = "relative.sock"
            [[principals]]
            name = "a"
            [[grants]]
            to = ["a"]
            allow = ["read"]
            """
        let errors = decodeErrors(toml)
        #expect(errors.map(\.line) == [2, 4, 6, 7, 9, 10])
        #expect(
            errors.map(\.keyPath) == [
                "log.level", "upstream.base_url", "upstream.timeout", "upstream.colour", "socket.path", "principals[0]",
            ]
        )
        #expect(
            errors.map(\.code) == [
                .invalidValue, .invalidValue, .typeMismatch, .unknownKey, .invalidValue, .invalidValue,
            ]
        )
        let description = ConfigErrors(errors).description
        #expect(description.split(separator: "\n").count == 6)
        #expect(description.hasPrefix("replayd.toml:2: log.level: must be one of"))
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        let errors = decodeErrors("[upstream]\nbase_url = http://x\n")
        #expect(errors.count == 1)
        #expect(errors.first?.code == .syntax)
        #expect(
            errors.first?.description
                == #"replayd.toml:2:12: invalid value http://x: strings must be quoted ("http://x")"#
        )
        #expect(
            decodeErrors("[socket]\npath = \"/a\"\npath = \"/b\"\n").map(\.description) == [
                "replayd.toml:3:1: duplicate key socket.path (first defined on line 2)"
            ]
        )
    }

    @Test func quotedKeysAreShownQuotedInPaths() {
        let toml = minimalConfig + "[log]\n\"odd key\" = 1\n"
        #expect(descriptions(toml) == [#"replayd.toml:8: log."odd key": unknown key"#])
    }

    @Test func editDistance() {
        #expect(ConfigTableReader.editDistance("pathh", "path") == 1)
        #expect(ConfigTableReader.editDistance("", "abc") == 3)
        #expect(ConfigTableReader.editDistance("abc", "") == 3)
        #expect(ConfigTableReader.editDistance("kitten", "sitting") == 3)
    }
}

@Suite struct AuditConfigDecodingTests {
    @Test func retentionShorterThanASegmentIsRefusedWithItsKeyPath() {
        #expect {
            _ = try ReplaydConfig.decode(
                toml: minimalConfig + "\n[audit]\nretention = \"1h\"\n",
                environment: ["STRAIT_API_KEY": "k"]
            )
        } throws: { error in
            "\(error)".contains("audit.retention") && "\(error)".contains("segment_max_age")
        }
    }

    @Test func unknownAuditKeysAreErrors() {
        #expect {
            _ = try ReplaydConfig.decode(
                toml: minimalConfig + "\n[audit]\nkey = \"inline secrets are not allowed\"\n",
                environment: ["STRAIT_API_KEY": "k"]
            )
        } throws: { error in
            "\(error)".contains("audit.key")
        }
    }
}

import Testing

@testable import ReplayCore

/// `[webhooks]`, `[[sources]]` with their keyrings and auto-replay policies, and chat identities on principals.
@Suite struct ConfigWebhooksTests {
    private let environment = ["STRAIT_API_KEY": "k", "SLACK_OLD": "old-secret", "SLACK_NEW": "new-secret"]

    private func decode(_ toml: String) throws -> ReplaydConfig {
        try ReplaydConfig.decode(toml: minimalConfig + toml, file: "replayd.toml", environment: environment)
    }

    private func problems(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        decodeErrors(minimalConfig + toml, environment: environment, sourceLocation: sourceLocation).map(\.description)
    }

    @Test func noSourcesMeansNoListenerAndDefaults() throws {
        let config = try decode("")
        #expect(config.sources.isEmpty)
        #expect(config.webhooks == WebhooksConfig())
        #expect(config.webhooks.listen.description == "127.0.0.1:8787")
        #expect(config.webhooks.dedupTTL == .seconds(604_800))
        #expect(config.webhooks.maxBodySize == 65_536)
    }

    @Test func aFullWebhookSetupDecodes() throws {
        let config = try decode(
            """
            [webhooks]
            listen = "[::1]:9000"
            trusted_proxies = ["10.0.0.0/8", "::1"]
            max_body_size = "32KiB"
            dedup_ttl = "72h"
            failure_block = "10s"
            failure_block_max = "1h"

            [[principals]]
            name = "alice"
            slack_users = ["T0001/U0001"]
            github_logins = ["Alice-Dev"]
            discord_users = ["81384788765712384/80351110224678912"]

            [[principals]]
            name = "strait-bot"

            [[grants]]
            to = ["alice", "strait-bot"]
            allow = ["replay"]

            [[sources]]
            name = "slack"
            kind = "slack"
            [[sources.keys]]
            id = "old"
            secret_env = "SLACK_OLD"
            not_after = "2026-12-01T00:00:00Z"
            [[sources.keys]]
            id = "new"
            secret_env = "SLACK_NEW"
            not_before = "2026-11-20T00:00:00Z"

            [[sources]]
            name = "strait"
            kind = "strait"
            principal = "strait-bot"
            [[sources.keys]]
            id = "k1"
            secret_env = "SLACK_NEW"
            [sources.auto_replay]
            statuses = ["failed"]
            error_patterns = ["(?i)timeout", "connection reset"]
            max_replays_per_run = 2
            cooldown = "5m"

            [[sources]]
            name = "discord"
            kind = "discord"
            [[sources.keys]]
            id = "app"
            public_key = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            """
        )
        #expect(config.webhooks.listen == ListenAddress(host: "::1", port: 9000))
        #expect(config.webhooks.trustedProxies == ["10.0.0.0/8", "::1"])
        #expect(config.webhooks.maxBodySize == 32_768)
        #expect(config.webhooks.dedupTTL == .seconds(259_200))
        #expect(config.sources.map(\.name) == ["slack", "strait", "discord"])
        let slack = try #require(config.sources.first)
        #expect(slack.kind == .slack)
        #expect(slack.keys.map(\.id) == ["old", "new"])
        #expect(slack.keys[0].notAfter == 1_796_083_200)
        #expect(slack.keys[1].notBefore == 1_795_132_800)
        guard case .secret(let reference, let secret) = slack.keys[1].material else {
            Issue.record("expected a secret")
            return
        }
        #expect(reference == .environment("SLACK_NEW"))
        #expect(secret?.withUnsafeValue { $0 } == "new-secret")
        let strait = config.sources[1]
        #expect(strait.principal == "strait-bot")
        #expect(strait.autoReplay.statuses == ["failed"])
        #expect(strait.autoReplay.errorPatterns == ["(?i)timeout", "connection reset"])
        #expect(strait.autoReplay.maxReplaysPerRun == 2)
        #expect(strait.autoReplay.cooldown == .seconds(300))
        let alice = try #require(config.principals.first)
        #expect(alice.slackUsers == ["T0001/U0001"])
        #expect(alice.githubLogins == ["Alice-Dev"])
        #expect(config.principals[1].name == "strait-bot")
    }

    @Test func inlineSecretsAreRefusedWithoutBeingShown() {
        let found = problems(
            """
            [[sources]]
            name = "gh"
            kind = "github"
            [[sources.keys]]
            id = "k"
            secret = "hunter2-do-not-show"
            """
        )
        #expect(found.count == 1)
        #expect(found.first?.contains("sources[0].keys[0].secret") == true)
        #expect(found.first?.contains("secret_env") == true)
        #expect(!found.joined().contains("hunter2"))
    }

    @Test func eachBadFieldIsNamedWithItsPath() {
        let found = problems(
            """
            [webhooks]
            listen = "localhost"
            trusted_proxies = ["10.0.0.0/33"]

            [[principals]]
            name = "bot"
            slack_users = ["U0001"]

            [[sources]]
            name = "Slack!"
            kind = "teams"
            [[sources.keys]]
            id = "k"
            secret_env = "SLACK_NEW"

            [[sources]]
            name = "std"
            kind = "standard_webhooks"
            principal = "nobody"
            run_id_pointer = "run_id"
            [[sources.keys]]
            id = "k"
            secret_env = "MISSING_VARIABLE"

            [[sources]]
            name = "notify"
            kind = "strait"
            [[sources.keys]]
            id = "k"
            secret_env = "SLACK_NEW"
            [sources.auto_replay]
            statuses = ["completed"]
            error_patterns = ["(unclosed"]
            """
        )
        let expected = [
            "webhooks.listen", "webhooks.trusted_proxies[0]", "principals[0].slack_users[0]", "sources[0].name",
            "sources[0].kind", "sources[1].run_id_pointer", "sources[1].keys[0].secret_env", "sources[1].principal",
            "sources[2].auto_replay.statuses[0]", "sources[2].auto_replay.error_patterns[0]", "sources[2].principal",
        ]
        for path in expected {
            #expect(found.contains { $0.contains(path) }, "no problem reported for \(path): \(found)")
        }
        #expect(found.contains { $0.contains("MISSING_VARIABLE") && $0.contains("not set") })
    }

    @Test func kindsAndKeysMustAgree() {
        let found = problems(
            """
            [[principals]]
            name = "alice"
            slack_users = ["T1/U1"]
            [[sources]]
            name = "discord"
            kind = "discord"
            [[sources.keys]]
            id = "k"
            secret_env = "SLACK_NEW"
            [[sources]]
            name = "slack"
            kind = "slack"
            principal = "alice"
            [[sources.keys]]
            id = "a"
            secret_env = "SLACK_NEW"
            [[sources.keys]]
            id = "a"
            secret_env = "SLACK_OLD"
            [[sources]]
            name = "gh"
            kind = "github"
            """
        )
        #expect(found.contains { $0.contains("sources[0].keys[0].secret_env") && $0.contains("public_key") })
        #expect(found.contains { $0.contains("sources[1].principal") && $0.contains("maps each user") })
        #expect(found.contains { $0.contains("sources[1].keys[1].id") && $0.contains("already defined") })
        #expect(found.contains { $0.contains("sources[2].keys") && $0.contains("at least one") })
    }

    @Test func aChatUserMapsToOnePrincipalOnly() {
        let found = problems(
            """
            [[principals]]
            name = "a"
            github_logins = ["Octocat"]
            [[principals]]
            name = "b"
            github_logins = ["octocat"]
            [[grants]]
            to = ["a", "b"]
            allow = ["replay"]
            """
        )
        #expect(found.count == 1)
        #expect(found.first?.contains("principals[1].github_logins") == true)
    }

    @Test func aPrincipalWithoutMappingsIsOnlyAllowedAsASourcePrincipal() {
        let found = problems(
            """
            [[principals]]
            name = "lonely"
            [[grants]]
            to = ["lonely"]
            allow = ["replay"]
            """
        )
        #expect(found.count == 1)
        #expect(found.first?.contains("unless a [[sources]] entry names it") == true)
    }
}

/// `replayd config check` shows the webhook setup without secrets.
@Suite struct ConfigWebhooksSummaryTests {
    @Test func sourcesAndKeysAreSummarisedWithoutTheirSecrets() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig + """
                [[principals]]
                name = "bot"
                [[grants]]
                to = ["bot"]
                allow = ["replay"]
                [[sources]]
                name = "notify"
                kind = "strait"
                principal = "bot"
                [[sources.keys]]
                id = "current"
                secret_env = "NOTIFY_SECRET"
                not_after = "2027-01-01T00:00:00Z"
                """,
            environment: ["STRAIT_API_KEY": "k", "NOTIFY_SECRET": "sentinel-notify-secret"]
        )
        let summary = config.summary()
        #expect(summary.contains("  listen: 127.0.0.1:8787\n"))
        #expect(summary.contains("[[sources]] notify (strait, POST /hooks/notify)\n"))
        #expect(
            summary.contains(
                "  key current: <redacted> (from env NOTIFY_SECRET, 22 bytes), not after 2027-01-01T00:00:00Z\n"
            )
        )
        #expect(summary.contains("  auto_replay.max_replays_per_run: 3\n"))
        #expect(!summary.contains("sentinel-notify-secret"))
    }
}

import Testing

@testable import ReplayCore

/// `[[grants]]`, `groups` and `[auth]`: decoding, every check with its key path and line, and the migration
/// error a config from before grants gets.
@Suite struct ConfigGrantsTests {
    private func descriptions(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        decodeErrors(minimalConfig + toml, sourceLocation: sourceLocation).map(\.description)
    }

    @Test func aConfigWithPrincipalsAndNoGrantsNamesTheBlockThatKeepsTheOldBehaviour() {
        let errors = decodeErrors(
            minimalConfig + """
                [[principals]]
                name = "alice"
                unix_uids = [1000]
                [[principals]]
                name = "deploy-bot"
                unix_uids = [998]
                """
        )
        #expect(errors.count == 1)
        #expect(errors.first?.code == .missingKey)
        #expect(errors.first?.keyPath == "grants")
        #expect(
            errors.first?.message
                == "required key is missing; replayd denies by default: a principal may do only what a [[grants]] "
                + "entry allows. To keep the behaviour of earlier versions (every mapped principal may replay, force, "
                + "bulk-replay, and read and resolve its own replays), add:\n\n"
                + "[[grants]]\nname = \"mapped-principals\"\nto = [\"alice\", \"deploy-bot\"]\n"
                + "allow = [\"replay\", \"replay_from_checkpoint\", \"force\", \"bulk\", \"read\", \"resolve\"]\n"
        )
    }

    @Test func theMigrationBlockDecodesToTodaysBehaviour() throws {
        let toml =
            minimalConfig + """
                [[principals]]
                name = "alice"
                unix_uids = [1000]

                """ + GrantConfig.migrationBlock(for: ["alice"])
        let config = try ReplaydConfig.decode(toml: toml, file: "replayd.toml", environment: nil)
        #expect(
            config.grants == [
                GrantConfig(name: "mapped-principals", to: ["alice"], allow: GrantConfig.mappedPrincipalActions)
            ]
        )
    }

    @Test func aConfigWithoutPrincipalsNeedsNoGrants() throws {
        let config = try ReplaydConfig.decode(toml: minimalConfig, file: "replayd.toml", environment: nil)
        #expect(config.grants.isEmpty)
    }

    @Test func everyScopeDecodes() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig + """
                [[principals]]
                name = "alice"
                unix_uids = [1000]
                groups = ["oncall"]
                [[grants]]
                to = ["group:oncall"]
                allow = ["replay", "force"]
                projects = ["proj_a"]
                jobs = ["job_a", "job_b"]
                doors = ["slack", "socket"]
                sources = ["slack-prod"]
                channels = ["C0INCIDENTS", "acme/payments"]
                not_before = "2026-12-01T09:00:00Z"
                not_after = "2026-12-08T09:00:00.5Z"
                """,
            file: "replayd.toml",
            environment: nil
        )
        #expect(
            config.grants == [
                GrantConfig(
                    name: "grants[0]",
                    to: ["group:oncall"],
                    allow: [.replay, .force],
                    projects: ["proj_a"],
                    jobs: ["job_a", "job_b"],
                    doors: [.slack, .socket],
                    sources: ["slack-prod"],
                    channels: ["C0INCIDENTS", "acme/payments"],
                    notBefore: 1_796_115_600_000,
                    notAfter: 1_796_720_400_500
                )
            ]
        )
    }

    @Test func badGrantsAreReportedWithKeyPathAndLine() {
        #expect(
            descriptions(
                """
                [[principals]]
                name = "alice"
                unix_uids = [1000]
                [[grants]]
                name = "g"
                to = ["bob", "group:nobody"]
                allow = ["replay", "fly"]
                doors = ["fax"]
                projects = []
                not_before = "tomorrow"
                colour = "red"
                [[grants]]
                name = "g"
                to = ["alice"]
                allow = ["read"]
                not_before = "2026-12-02T00:00:00Z"
                not_after = "2026-12-01T00:00:00Z"
                [[grants]]
                allow = ["read"]
                """
            ) == [
                #"replayd.toml:12: grants[0].to[0]: no principal is named "bob" (use "group:NAME" for a group)"#,
                #"replayd.toml:12: grants[0].to[1]: no principal is in group "nobody" (add it to a principal's groups)"#,
                "replayd.toml:13: grants[0].allow[1]: must be one of replay, replay_from_checkpoint, force, bulk, read, "
                    + #"read_all, resolve, audit_read, token_admin, explain_as, reload, pause, got "fly""#,
                "replayd.toml:14: grants[0].doors[0]: must be one of socket, rpc, slack, discord, github, "
                    + #"standard_webhooks, strait, team, got "fax""#,
                "replayd.toml:15: grants[0].projects: must not be empty (leave the key out to match every project)",
                #"replayd.toml:16: grants[0].not_before: must be an RFC 3339 time such as "2026-12-01T00:00:00Z""#,
                "replayd.toml:17: grants[0].colour: unknown key",
                "replayd.toml:23: grants[1].not_after: must be after not_before",
                "replayd.toml:24: grants[2].to: required key is missing",
            ]
        )
    }

    @Test func configCheckShowsGrantsAndAuth() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig + """
                [[principals]]
                name = "alice"
                unix_uids = [1000]
                groups = ["oncall"]
                [[grants]]
                name = "rota"
                to = ["group:oncall"]
                allow = ["replay", "read"]
                projects = ["proj_a"]
                not_after = "2026-12-08T09:00:00Z"
                """,
            file: "replayd.toml",
            environment: nil
        )
        let summary = config.summary()
        #expect(summary.contains("  groups: oncall\n"))
        #expect(
            summary.contains(
                "[[grants]] rota\n  to: group:oncall\n  allow: replay, read\n  projects: proj_a\n"
                    + "  not_after: 2026-12-08T09:00:00Z\n"
            )
        )
        #expect(summary.contains("[auth]\n  run_lookup_ttl: 5m\n  run_lookup_cache_size: 10000\n"))
    }

    @Test func grantNamesAreUnique() {
        #expect(
            descriptions(
                """
                [[principals]]
                name = "alice"
                unix_uids = [1000]
                [[grants]]
                name = "g"
                to = ["alice"]
                allow = ["read"]
                [[grants]]
                name = "g"
                to = ["alice"]
                allow = ["replay"]
                """
            ) == [#"replayd.toml:15: grants[1].name: grant "g" is already defined on line 11"#]
        )
    }

    @Test func authBounds() {
        #expect(
            descriptions(
                """
                [auth]
                run_lookup_ttl = "25h"
                run_lookup_cache_size = 0
                """
            ) == [
                "replayd.toml:8: auth.run_lookup_ttl: must be between 0s and 24h, got 25h",
                "replayd.toml:9: auth.run_lookup_cache_size: must be between 1 and 1000000, got 0",
            ]
        )
    }
}

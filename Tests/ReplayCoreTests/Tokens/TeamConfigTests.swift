import Testing

@testable import ReplayCore

/// `[team]`: decoded strictly, defaults when absent, and never on another listener's address.
@Suite struct TeamConfigTests {
    @Test func theSectionDecodesEveryKey() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig + """
                [team]
                listen = "0.0.0.0:8788"
                trusted_proxies = ["10.0.0.0/8"]
                token_key_file = "/etc/replayd/team-token.key"
                failure_threshold = 3
                failure_block = "2m"
                failure_block_max = "2h"
                max_connections = 100
                max_connections_per_client = 10
                """,
            environment: nil
        )
        #expect(config.team.listen == ListenAddress(host: "0.0.0.0", port: 8788))
        #expect(config.team.trustedProxies == ["10.0.0.0/8"])
        #expect(config.team.tokenKeyPath(state: config.state) == "/etc/replayd/team-token.key")
        #expect(config.team.failureThreshold == 3)
        #expect(config.team.failureBlock == .seconds(120) && config.team.failureBlockMax == .seconds(7200))
        #expect(config.team.maxConnections == 100 && config.team.maxConnectionsPerClient == 10)
        let summary = config.summary()
        #expect(summary.contains("[team]\n  listen: 0.0.0.0:8788\n"))
        #expect(summary.contains("token_key_file: /etc/replayd/team-token.key"))
    }

    @Test func absentMeansOffWithTheKeyUnderTheStateDirectory() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig + "[state]\ndir = \"/srv/replayd\"\n",
            environment: nil
        )
        #expect(config.team.listen == nil)
        #expect(config.team.tokenKeyPath(state: config.state) == "/srv/replayd/team-token.key")
        #expect(config.configuredPaths.contains { $0.path == "/srv/replayd/team-token.key" })
        #expect(!config.summary().contains("[team]"))
    }

    @Test func badValuesAndUnknownKeysAreReportedWithTheirPath() {
        let errors = decodeErrors(
            minimalConfig + """
                [team]
                listen = "nowhere"
                token_key_file = "relative.key"
                failure_block = "10m"
                failure_block_max = "1m"
                tokens = 3
                """
        )
        let text = errors.map { "\($0)" }.joined(separator: "\n")
        #expect(text.contains("team.listen"))
        #expect(text.contains("team.token_key_file"))
        #expect(text.contains("team.failure_block_max"))
        #expect(text.contains("team.tokens"))
    }

    @Test func theTeamDoorCannotShareTheAdminListenersAddress() {
        let errors = decodeErrors(
            minimalConfig + """
                [admin]
                listen = "127.0.0.1:9464"
                [team]
                listen = "127.0.0.1:9464"
                """
        )
        #expect(errors.map { "\($0)" }.joined().contains("admin listener's address"))
    }
}

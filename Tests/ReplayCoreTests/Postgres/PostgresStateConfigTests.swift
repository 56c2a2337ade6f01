import Testing

@testable import ReplayCore

/// `[state] backend = "postgres"`: its keys, the URL (a secret, parsed like libpq's, never echoed) and TLS.
@Suite struct PostgresStateConfigTests {
    private let secretURL = "postgres://replayd:s3cret-pw@db.internal:6432/replay_state?sslmode=verify-full"

    @Test func theURLComesFromTheEnvironmentAndIsParsedWithItsTLSMode() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig
                + "[state]\nbackend = \"postgres\"\nurl_env = \"REPLAYD_STATE_URL\"\nca_file = \"/etc/ca.pem\"\n",
            environment: ["STRAIT_API_KEY": "k", "REPLAYD_STATE_URL": secretURL]
        )
        #expect(config.state.backend == .postgres)
        let postgres = try #require(config.state.postgres)
        #expect(postgres.urlSource == .environment("REPLAYD_STATE_URL"))
        let settings = try postgres.connectionSettings()
        #expect(settings.address == .tcp(host: "db.internal", port: 6432))
        #expect(settings.username == "replayd")
        #expect(settings.password?.withUnsafeValue { $0 } == "s3cret-pw")
        #expect(settings.database == "replay_state")
        #expect(settings.sslMode == .verifyFull)
        #expect(settings.caFile == "/etc/ca.pem")
        #expect(!settings.description.contains("s3cret"))
        let summary = config.summary()
        #expect(summary.contains("  backend: postgres\n"))
        #expect(summary.contains("  url: from env REPLAYD_STATE_URL (not shown)\n"))
        #expect(!summary.contains("s3cret") && !summary.contains("db.internal"))
    }

    @Test func sqliteIsTheDefaultAndTakesNoPostgresKeys() throws {
        let config = try ReplaydConfig.decode(toml: minimalConfig, environment: ["STRAIT_API_KEY": "k"])
        #expect(config.state.backend == .sqlite)
        #expect(config.state.postgres == nil)
        let errors = decodeErrors(minimalConfig + "[state]\nurl_env = \"X\"\nsslmode = \"require\"\n")
        #expect(errors.map(\.keyPath) == ["state.url_env", "state.sslmode"])
        #expect(errors.allSatisfy { $0.message.contains("only with backend = \"postgres\"") })
    }

    @Test func postgresNeedsExactlyOneURLSourceAndNeverAnInlineURL() {
        let missing = decodeErrors(minimalConfig + "[state]\nbackend = \"postgres\"\n")
        #expect(missing.map(\.code) == [.missingKey])
        #expect(missing.first?.keyPath == "state.url_env")
        #expect(missing.first?.description.contains("url_file") == true)

        let both = decodeErrors(
            minimalConfig + "[state]\nbackend = \"postgres\"\nurl_env = \"A\"\nurl_file = \"/etc/u\"\n"
        )
        #expect(both.map(\.keyPath) == ["state.url_file"])

        let inline = decodeErrors(minimalConfig + "[state]\nbackend = \"postgres\"\nurl = \"\(secretURL)\"\n")
        #expect(inline.map(\.keyPath) == ["state.url"])
        #expect(inline.first?.message.contains("url_env") == true)
        #expect(!inline.map(\.description).joined().contains("s3cret"))

        let badMode = decodeErrors(
            minimalConfig + "[state]\nbackend = \"postgres\"\nurl_env = \"A\"\nsslmode = \"verify\"\n"
        )
        #expect(badMode.map(\.keyPath) == ["state.sslmode"])
        #expect(badMode.first?.message.contains("verify-full") == true)

        let backend = decodeErrors(minimalConfig + "[state]\nbackend = \"mysql\"\n")
        #expect(backend.map(\.keyPath) == ["state.backend"])
    }

    @Test func aBadURLIsReportedAtItsKeyWithoutQuotingIt() {
        for (url, problem) in [
            ("mysql://u:s3cret@h/d", "must start with postgres://"),
            ("postgres://u:s3cret@h:99999/d", "port"),
            ("postgres://:s3cret@h/d", "names no user"),
            ("postgres://u:s3cret@h/d?sslmode=bogus", "sslmode"),
            ("postgres://u:s3cret@h/d?s3cret=1", "does not support"),
            ("postgres://u:s3cret%zz@h/d", "percent-escape"),
        ] {
            let errors = decodeErrors(
                minimalConfig + "[state]\nbackend = \"postgres\"\nurl_env = \"STATE_URL\"\n",
                environment: ["STRAIT_API_KEY": "k", "STATE_URL": url]
            )
            #expect(errors.map(\.keyPath) == ["state.url_env"], "\(problem)")
            let text = errors.map(\.description).joined()
            #expect(text.contains(problem))
            #expect(!text.contains("s3cret"), "\(problem)")
        }
        let unset = decodeErrors(
            minimalConfig + "[state]\nbackend = \"postgres\"\nurl_env = \"STATE_URL\"\n",
            environment: ["STRAIT_API_KEY": "k"]
        )
        #expect(unset.map(\.code) == [.secret])
    }

    @Test func urlFormsAsLibpqReadsThem() throws {
        func parse(_ url: String) throws -> PostgresConnectionSettings {
            try PostgresConnectionSettings.parse(url: Secret(url))
        }
        let socket = try parse("postgresql://replayd@%2Frun%2Fpostgresql/state")
        #expect(socket.address == .unixSocket(directory: "/run/postgresql", port: 5432))
        #expect(socket.clientConfiguration().unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(socket.password == nil)

        let query = try parse("postgres:///state?host=/tmp/pg&port=5433&user=ops&application_name=fleet-1")
        #expect(query.address == .unixSocket(directory: "/tmp/pg", port: 5433))
        #expect(query.username == "ops")
        #expect(query.applicationName == "fleet-1")

        let defaults = try parse("postgres://ops:p%40ss@[::1]")
        #expect(defaults.address == .tcp(host: "::1", port: 5432))
        #expect(defaults.password?.withUnsafeValue { $0 } == "p@ss")
        #expect(defaults.database == "ops")
        #expect(defaults.sslMode == .prefer)

        let overridden = try PostgresConnectionSettings.parse(
            url: Secret("postgres://u@h/d?sslmode=disable&sslrootcert=/etc/a.pem"),
            sslMode: .require,
            caFile: "/etc/b.pem"
        )
        #expect(overridden.sslMode == .require)
        #expect(overridden.caFile == "/etc/b.pem")
        #expect(try parse("postgres://u@h/d?sslmode=verify-ca").sslMode == .verifyCA)
    }
}

extension StateConfig {
    /// Reads `[state]`: `dir`, `backend`, and for `backend = "postgres"` the URL's source (`url_env` or
    /// `url_file`, exactly one), `sslmode`, `ca_file` and `max_connections`. With `environment`, the URL is loaded
    /// and parsed, and a problem is reported at the key it came from, never quoting the URL.
    init(reading reader: ConfigTableReader, environment: [String: String]?) {
        self.init()
        directory = reader.string("dir", validate: ConfigValidation.absolutePath) ?? directory
        let names = StateBackend.allCases.map(\.rawValue)
        if let name = reader.string(
            "backend",
            validate: {
                names.contains($0) ? nil : "must be one of \(names.joined(separator: ", ")), got \(TOMLKey.quote($0))"
            }
        ) {
            backend = StateBackend(rawValue: name) ?? backend
        }
        let postgresKeys = ["url_env", "url_file", "sslmode", "ca_file", "max_connections"]
        if backend == .postgres {
            postgres = Self.readPostgres(reader, environment: environment)
        } else {
            for key in postgresKeys {
                reader.forbid(key, "applies only with backend = \"postgres\"; remove it or set the backend")
            }
        }
        reader.forbid(
            "url",
            "the PostgreSQL URL may hold a password, so it is never written in the config file; use url_env = "
                + "\"REPLAYD_STATE_URL\" (an environment variable) or url_file = \"/etc/replayd/state.url\" (a file "
                + "only replayd can read)"
        )
        reader.finish()
    }

    private static func readPostgres(
        _ reader: ConfigTableReader,
        environment: [String: String]?
    ) -> PostgresStateConfig? {
        let variable = reader.string("url_env", validate: ConfigValidation.environmentVariable)
        let path = reader.string("url_file", validate: ConfigValidation.secretFilePath)
        let modes = PostgresSSLMode.names
        let sslMode = reader.string(
            "sslmode",
            validate: {
                PostgresSSLMode(rawValue: $0) == nil ? "must be one of \(modes), got \(TOMLKey.quote($0))" : nil
            }
        ).flatMap(PostgresSSLMode.init(rawValue:))
        let caFile = reader.string("ca_file", validate: ConfigValidation.absolutePath)
        let maxConnections = reader.integer("max_connections", in: 2...200)
        let source: SecretReference
        let key: String
        switch (reader.contains("url_env"), reader.contains("url_file")) {
        case (true, true):
            reader.reportInvalid("url_file", "set only one of url_env and url_file")
            return nil
        case (false, false):
            guard !reader.contains("url") else { return nil }
            reader.report(
                .missingKey(
                    reader.keyPath("url_env"),
                    line: reader.line,
                    hint: "backend = \"postgres\" needs the database URL: set url_env (an environment variable) "
                        + "or url_file (a file path), holding postgres://USER:PASSWORD@HOST:PORT/DATABASE"
                )
            )
            return nil
        case (true, false):
            guard let variable else { return nil }
            source = .environment(variable)
            key = "url_env"
        case (false, true):
            guard let path else { return nil }
            source = .file(path)
            key = "url_file"
        }
        var config = PostgresStateConfig(urlSource: source, sslMode: sslMode, caFile: caFile)
        if let maxConnections { config.maxConnections = maxConnections }
        if let sslMode, [.verifyCA, .verifyFull].contains(sslMode) == false, caFile != nil {
            reader.reportInvalid("ca_file", "is used only with sslmode = \"verify-ca\" or \"verify-full\"")
        }
        guard let environment else { return config }
        do {
            config.url = try source.resolve(environment: environment)
        } catch {
            var error = error
            error.keyPath = reader.keyPath(key)
            error.line = reader.line(of: key)
            reader.report(error)
            return config
        }
        do {
            _ = try config.connectionSettings()
        } catch {
            reader.reportInvalid(key, "\(error.description) (from \(source)); fix the URL where it is stored")
        }
        return config
    }
}

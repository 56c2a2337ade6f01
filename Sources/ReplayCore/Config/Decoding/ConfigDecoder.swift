import Logging

/// Decodes a parsed config file into a ``ReplaydConfig``, strictly: unknown keys, wrong types and bad values
/// are all reported, each with its key path and line.
struct ConfigDecoder {
    /// The file name used in errors.
    var file: String?
    /// The environment to load secrets from; `nil` skips loading them.
    var environment: [String: String]?
    /// Whether the Strait API key is loaded with the other secrets (not for `replayd explain --request`, which
    /// needs only the webhook keys).
    var loadsUpstreamKey = true

    /// The config, or every problem found.
    func decode(_ root: TOMLTable) throws(ConfigErrors) -> ReplaydConfig {
        let diagnostics = ConfigDiagnostics(file: file)
        let reader = ConfigTableReader(table: root, path: "", line: nil, diagnostics: diagnostics)
        var config = ReplaydConfig()
        if let upstream = reader.table("upstream") {
            config.upstream = UpstreamConfig(reading: upstream, environment: loadsUpstreamKey ? environment : nil)
        }
        if let socket = reader.table("socket") {
            config.socket = SocketConfig(reading: socket)
        }
        if let state = reader.table("state") {
            config.state = StateConfig(reading: state, environment: environment)
        }
        if let log = reader.table("log") {
            config.log = LogConfig(reading: log)
        }
        if let replays = reader.table("replays") {
            config.replays = ReplaysConfig(reading: replays)
        }
        if let audit = reader.table("audit") {
            config.audit = AuditConfig(reading: audit)
        }
        if reader.contains("limits"), let limits = reader.table("limits") {
            config.limits = LimitsConfig(reading: limits)
        }
        if reader.contains("webhooks"), let webhooks = reader.table("webhooks") {
            config.webhooks = WebhooksConfig(reading: webhooks)
        }
        let sourceReaders = reader.tableArray("sources")
        let servicePrincipals = Set(sourceReaders.compactMap { $0.table["principal"]?.stringValue })
        config.principals = PrincipalConfig.readAll(
            reader.tableArray("principals"),
            servicePrincipals: servicePrincipals
        )
        config.grants = GrantConfig.readAll(reader.tableArray("grants"), principals: config.principals, root: reader)
        if reader.contains("auth"), let auth = reader.table("auth") {
            config.auth = AuthConfig(reading: auth)
        }
        config.sources = WebhookSourceConfig.readAll(
            sourceReaders,
            principals: config.principals,
            environment: environment
        )
        if reader.contains("admin"), let admin = reader.table("admin") {
            config.admin = AdminConfig(reading: admin, webhooks: config.sources.isEmpty ? nil : config.webhooks)
        }
        if reader.contains("team"), let team = reader.table("team") {
            var taken: [(name: String, address: ListenAddress)] = []
            if !config.sources.isEmpty { taken.append(("webhook", config.webhooks.listen)) }
            if let admin = config.admin.listen { taken.append(("admin", admin)) }
            config.team = TeamConfig(reading: team, taken: taken)
        }
        reader.finish()
        guard diagnostics.isEmpty else {
            throw ConfigErrors(diagnostics.errors)
        }
        return config
    }
}

extension LogConfig {
    /// Reads `[log]`.
    fileprivate init(reading reader: ConfigTableReader) {
        self.init()
        let levels = Logger.Level.allCases.map(\.rawValue)
        if let name = reader.string("level", validate: { Self.choice($0, in: levels) }) {
            level = Logger.Level(rawValue: name) ?? level
        }
        if let name = reader.string("format", validate: { Self.choice($0, in: LogFormat.configNames) }) {
            format = LogFormat(configName: name) ?? format
        }
        reader.finish()
    }

    private static func choice(_ value: String, in choices: [String]) -> String? {
        choices.contains(value)
            ? nil : "must be one of \(choices.joined(separator: ", ")), got \(TOMLKey.quote(value))"
    }
}

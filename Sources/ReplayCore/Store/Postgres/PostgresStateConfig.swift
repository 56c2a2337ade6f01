/// `[state]`'s keys for `backend = "postgres"`.
public struct PostgresStateConfig: Sendable, Hashable {
    /// Where the URL comes from: `url_env` (an environment variable) or `url_file` (a file only replayd can
    /// read). The URL is a secret (it may hold the password), like the other `*_env` / `*_file` keys.
    public var urlSource: SecretReference
    /// The URL, once loaded (`nil` when the config was read without loading secrets).
    public var url: Secret?
    /// `sslmode`: overrides the URL's `sslmode` (default `prefer`, as libpq).
    public var sslMode: PostgresSSLMode?
    /// `ca_file`: the CA bundle for `verify-ca` / `verify-full`; overrides the URL's `sslrootcert`.
    public var caFile: String?
    /// `max_connections`: the pool's size (default 8).
    public var maxConnections: Int

    /// Creates the settings.
    public init(
        urlSource: SecretReference,
        url: Secret? = nil,
        sslMode: PostgresSSLMode? = nil,
        caFile: String? = nil,
        maxConnections: Int = 8
    ) {
        self.urlSource = urlSource
        self.url = url
        self.sslMode = sslMode
        self.caFile = caFile
        self.maxConnections = maxConnections
    }

    /// The connection settings, from the loaded URL and these keys.
    ///
    /// - Throws: ``PostgresURLError`` when the URL was not loaded or cannot be parsed.
    public func connectionSettings() throws(PostgresURLError) -> PostgresConnectionSettings {
        guard let url else { throw PostgresURLError("was not loaded (from \(urlSource))") }
        var settings = try PostgresConnectionSettings.parse(url: url, sslMode: sslMode, caFile: caFile)
        settings.maxConnections = maxConnections
        return settings
    }

    // A URL's value never takes part in equality: two configs are equal when they name the same source.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.urlSource == rhs.urlSource && lhs.sslMode == rhs.sslMode && lhs.caFile == rhs.caFile
            && lhs.maxConnections == rhs.maxConnections
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(urlSource)
        hasher.combine(sslMode)
        hasher.combine(caFile)
        hasher.combine(maxConnections)
    }
}

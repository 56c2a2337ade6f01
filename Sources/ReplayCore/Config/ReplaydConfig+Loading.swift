extension ReplaydConfig {
    /// The largest config file accepted.
    static let maxFileSize = 1 << 20

    /// Reads the config file at `path`, parses and decodes it, validates every value and loads the secrets.
    ///
    /// ```swift
    /// let config = try ReplaydConfig.load(path: "/etc/replayd/replayd.toml",
    ///                                     environment: ProcessInfo.processInfo.environment)
    /// ```
    ///
    /// - Parameters:
    ///   - path: the file; errors name it as given.
    ///   - environment: the environment that `*_env` secrets are read from.
    ///   - loadsUpstreamKey: `false` leaves ``UpstreamConfig/apiKey`` unloaded (and unchecked) while loading every
    ///     other secret: for offline tools that never call Strait (`replayd explain --request`).
    /// - Throws: ``ConfigErrors`` listing every problem found (a syntax error stops at the first).
    public static func load(
        path: String,
        environment: [String: String],
        loadsUpstreamKey: Bool = true
    ) throws(ConfigErrors) -> ReplaydConfig {
        let bytes: [UInt8]
        do {
            bytes = try RegularFileReader.contents(atPath: path, maxBytes: maxFileSize)
        } catch {
            throw ConfigErrors([.unreadableFile(path, reason: error.reason)])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigErrors([.unreadableFile(path, reason: "is not UTF-8 text")])
        }
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigErrors([.syntax(error, file: path)])
        }
        return try ConfigDecoder(file: path, environment: environment, loadsUpstreamKey: loadsUpstreamKey).decode(root)
    }

    /// Parses, decodes and validates config text.
    ///
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - file: the name put in errors, such as `replayd.toml`.
    ///   - environment: the environment `*_env` secrets are read from; `nil` skips loading secrets (and leaves
    ///     ``UpstreamConfig/apiKey`` `nil`), for checks that must not touch them.
    /// - Throws: ``ConfigErrors`` listing every problem found (a syntax error stops at the first).
    public static func decode(
        toml text: String,
        file: String? = nil,
        environment: [String: String]?
    ) throws(ConfigErrors) -> ReplaydConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigErrors([.syntax(error, file: file)])
        }
        return try ConfigDecoder(file: file, environment: environment).decode(root)
    }
}

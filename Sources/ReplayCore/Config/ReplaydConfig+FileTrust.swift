extension ReplaydConfig {
    /// The directories and files replayd uses, in the order `serve` prepares them: the socket directory, lock and
    /// socket, the state directory, the audit directory, and the audit keys. (`*_file` secrets are checked when
    /// they are loaded.)
    public var configuredPaths: [ConfiguredPath] {
        let socketDirectory = FileTrust.parentDirectory(of: socket.path)
        return [
            ConfiguredPath(path: socketDirectory, kind: .createdDirectory(.socket), keyPath: "socket.path"),
            ConfiguredPath(path: socket.path + ".lock", kind: .lockFile, keyPath: "socket.path"),
            ConfiguredPath(path: socket.path, kind: .socket, keyPath: "socket.path"),
            ConfiguredPath(path: state.directory, kind: .createdDirectory(.state), keyPath: "state.dir"),
            ConfiguredPath(
                path: audit.directory(state: state),
                kind: .directory(.audit),
                keyPath: audit.directory == nil ? "state.dir" : "audit.dir"
            ),
            ConfiguredPath(
                path: audit.keyFile(state: state),
                kind: .keyFile(what: "audit key", mayBeMissing: audit.keyFile == nil),
                keyPath: audit.keyFile == nil ? "state.dir" : "audit.key_file"
            ),
            ConfiguredPath(
                path: audit.signingKeyFile(state: state),
                kind: .keyFile(what: "checkpoint signing key", mayBeMissing: audit.signingKeyFile == nil),
                keyPath: audit.signingKeyFile == nil ? "state.dir" : "audit.signing_key_file"
            ),
            ConfiguredPath(
                path: team.tokenKeyPath(state: state),
                kind: .keyFile(what: "team token key", mayBeMissing: team.tokenKeyFile == nil),
                keyPath: team.tokenKeyFile == nil ? "state.dir" : "team.token_key_file"
            ),
        ]
    }

    /// What `serve` does before it opens anything but the instance lock: creates the state directory (`0700`)
    /// or checks it, and checks the audit directory (when it exists) and the audit keys (when they exist or are
    /// configured). The socket directory and the lock are ``InstanceLock``'s.
    ///
    /// - Throws: the first ``FileTrustError``.
    public func prepareFiles(trust: FileTrust) throws(FileTrustError) {
        for entry in configuredPaths {
            switch entry.kind {
            case .createdDirectory(let role) where role == .state:
                try trust.prepareDirectory(entry.path, role: role)
            case .directory(let role):
                try trust.checkDirectoryIfPresent(entry.path, role: role)
            case .keyFile(let what, let mayBeMissing):
                try trust.checkKeyFile(entry.path, what: what, mayBeMissing: mayBeMissing)
            case .createdDirectory, .lockFile, .socket:
                continue
            }
        }
    }

    /// Every problem `serve` would refuse to start with, found without creating or changing anything (for
    /// `replayd config check`). Each names the config key that sets the path and, given the parsed file, its line.
    ///
    /// - Parameters:
    ///   - trust: the trust policy (the real one judges as the user running the check).
    ///   - document: the parsed config file, for lines; `nil` leaves them out.
    public func fileTrustProblems(trust: FileTrust, document: TOMLTable?) -> [ConfigError] {
        var problems: [ConfigError] = []
        var unusable: Set<String> = []
        for entry in configuredPaths {
            // Nothing more to say about what lies inside a directory already reported.
            if unusable.contains(where: { entry.path.hasPrefix($0 == "/" ? $0 : $0 + "/") }) { continue }
            do throws(FileTrustError) {
                switch entry.kind {
                case .createdDirectory(let role):
                    try trust.checkDirectoryOrCreatable(entry.path, role: role)
                case .directory(let role):
                    try trust.checkDirectoryIfPresent(entry.path, role: role)
                case .keyFile(let what, let mayBeMissing):
                    try trust.checkKeyFile(entry.path, what: what, mayBeMissing: mayBeMissing)
                case .lockFile:
                    try trust.checkPrivateFileIfPresent(entry.path, what: "lock file")
                case .socket:
                    try trust.checkSocketIfPresent(entry.path)
                }
            } catch {
                unusable.insert(entry.path)
                problems.append(.untrustedFile(entry.keyPath, line: Self.line(of: entry.keyPath, in: document), error))
            }
        }
        return problems
    }

    /// The parsed config file at `path`, for ``fileTrustProblems(trust:document:)``; `nil` when it cannot be read
    /// or parsed (``load(path:environment:)`` reports why).
    public static func document(atPath path: String) -> TOMLTable? {
        guard let bytes = try? RegularFileReader.contents(atPath: path, maxBytes: maxFileSize),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        return try? TOMLParser.parse(text)
    }

    /// The line of the dotted `keyPath` (`state.dir`) in `document`: the value's line, or its table's when the
    /// key is absent.
    static func line(of keyPath: String, in document: TOMLTable?) -> Int? {
        guard let document else { return nil }
        let parts = keyPath.split(separator: ".").map(String.init)
        guard parts.count == 2, let section = document[parts[0]] else { return nil }
        guard case .table(let table) = section.kind else { return section.line }
        return table[parts[1]]?.line ?? section.line
    }
}

/// Where a secret comes from: an environment variable (`*_env` keys) or a file (`*_file` keys). Secrets are
/// never written inline in a config file.
public struct SecretReference: Sendable, Hashable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case environment(String)
        case file(String)
    }
    private let base: Base

    private init(_ base: Base) { self.base = base }

    /// The environment variable `name`.
    public static func environment(_ name: String) -> SecretReference {
        SecretReference(.environment(name))
    }

    /// The file at the absolute `path`, or at `$CREDENTIALS_DIRECTORY/NAME` (a systemd credential, found in the
    /// environment's `CREDENTIALS_DIRECTORY` when the secret is loaded).
    public static func file(_ path: String) -> SecretReference {
        SecretReference(.file(path))
    }

    /// The variable name, for an environment reference.
    public var environmentVariable: String? {
        if case .environment(let name) = base { name } else { nil }
    }

    /// The path, for a file reference.
    public var filePath: String? {
        if case .file(let path) = base { path } else { nil }
    }

    /// The credential name when `path` is `$CREDENTIALS_DIRECTORY/NAME` or `${CREDENTIALS_DIRECTORY}/NAME`.
    public static func credentialName(_ path: String) -> String? {
        for prefix in ["$CREDENTIALS_DIRECTORY/", "${CREDENTIALS_DIRECTORY}/"] where path.hasPrefix(prefix) {
            return String(path.dropFirst(prefix.count))
        }
        return nil
    }

    /// `env STRAIT_API_KEY` or `file /etc/replayd/strait.key`.
    public var description: String {
        switch base {
        case .environment(let name): "env \(name)"
        case .file(let path): "file \(path)"
        }
    }

    /// Loads the secret.
    ///
    /// - Environment: the variable must be set and not empty.
    /// - File: must be a regular file, not a symbolic link, owned by the daemon's effective uid or root, that
    ///   others can neither read nor write (`mode & 0o007 == 0`) and its group cannot write (``FileTrust``), at
    ///   most 64 KiB of UTF-8; one trailing newline is removed; it must not be empty.
    ///
    /// In both cases the value may not contain line breaks or NUL, which would corrupt an HTTP header.
    ///
    /// - Parameters:
    ///   - environment: the process environment (injected, so tests need not touch the real one).
    ///   - trust: judges a secret file's owner and mode.
    /// - Throws: a ``ConfigError`` with code ``ConfigError/Code/secret`` and no key path or line (the caller
    ///   fills them in). The message never contains the secret.
    public func resolve(
        environment: [String: String],
        trust: FileTrust = .system()
    ) throws(ConfigError) -> Secret {
        switch base {
        case .environment(let name):
            guard let value = environment[name] else {
                throw .secret(nil, line: nil, "environment variable \(name) is not set")
            }
            guard !value.isEmpty else {
                throw .secret(nil, line: nil, "environment variable \(name) is empty")
            }
            try Self.checkCharacters(value, origin: "environment variable \(name)")
            return Secret(value, source: self)
        case .file(let configuredPath):
            var path = configuredPath
            if let credential = Self.credentialName(configuredPath) {
                // systemd's LoadCredential= puts the file in a private directory named by this variable.
                guard let directory = environment["CREDENTIALS_DIRECTORY"], directory.hasPrefix("/") else {
                    throw .secret(
                        nil,
                        line: nil,
                        "CREDENTIALS_DIRECTORY is not set (systemd sets it for a unit with LoadCredential=\(credential):…)"
                    )
                }
                path = (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + "/" + credential
            }
            var bytes: [UInt8]
            do {
                bytes = try RegularFileReader.contents(atPath: path, maxBytes: 64 << 10) { status in
                    if status.permissions & 0o007 != 0 {
                        return "has mode \(status.octalPermissions), so other users can read or write it; "
                            + "fix: chmod 600 \(path)"
                    }
                    // The trust model: owned by the daemon's user or root, and not writable by its group.
                    guard let problem = trust.problem(withKeyFile: status, at: path, what: "secret file") else {
                        return nil
                    }
                    // The reason follows the file's name, which FileTrust's message starts with.
                    let subject = "secret file \(path) "
                    let text = problem.description
                    return text.hasPrefix(subject) ? String(text.dropFirst(subject.count)) : text
                }
            } catch {
                throw .secret(nil, line: nil, "secret file \(path) \(error.reason)")
            }
            // One trailing newline (LF or CRLF), as editors and `echo` add it.
            if bytes.last == 0x0A {
                bytes.removeLast()
                if bytes.last == 0x0D {
                    bytes.removeLast()
                }
            }
            guard let value = String(validating: bytes, as: UTF8.self) else {
                throw .secret(nil, line: nil, "secret file \(path) is not UTF-8 text")
            }
            guard !value.isEmpty else {
                throw .secret(nil, line: nil, "secret file \(path) is empty")
            }
            try Self.checkCharacters(value, origin: "secret file \(path)")
            return Secret(value, source: self)
        }
    }

    private static func checkCharacters(_ value: String, origin: String) throws(ConfigError) {
        if value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) {
            throw .secret(
                nil,
                line: nil,
                "\(origin) contains a line break or NUL (only one trailing newline is removed from a file)"
            )
        }
    }
}

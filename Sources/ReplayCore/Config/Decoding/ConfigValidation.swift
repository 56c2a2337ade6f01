import Foundation

/// Checks for individual config values. Each returns a description of the problem, or `nil` when the value is
/// fine. Messages do not repeat values that might be secrets.
enum ConfigValidation {
    /// The parts of a valid `base_url`.
    struct BaseURL {
        /// The URL without trailing slashes.
        var normalized: String
        /// The host, lower-cased, without IPv6 brackets.
        var host: String
        /// Whether the scheme is plain `http`.
        var isPlainHTTP: Bool
        /// Whether the host is `localhost`, in `127.0.0.0/8`, or `::1`.
        var isLoopback: Bool
    }

    /// Parses a `base_url`: `http` or `https`, a host, an optional port and path, no credentials, query or
    /// fragment.
    static func baseURL(_ text: String) -> Result<BaseURL, BaseURLProblem> {
        let example = #"such as "https://api.strait.dev""#
        if text.contains(where: \.isWhitespace) {
            return .failure(BaseURLProblem("must be an http(s) URL \(example), without spaces"))
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return .failure(BaseURLProblem("must be an http(s) URL \(example)"))
        }
        guard scheme == "http" || scheme == "https" else {
            return .failure(BaseURLProblem("must start with http:// or https://"))
        }
        guard components.user == nil && components.password == nil else {
            return .failure(BaseURLProblem("must not contain credentials; use api_key_env or api_key_file"))
        }
        var host = (components.host ?? "").lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else {
            return .failure(BaseURLProblem("must name a host, \(example)"))
        }
        if let port = components.port, !(1...65535).contains(port) {
            return .failure(BaseURLProblem("has port \(port); a port must be between 1 and 65535"))
        }
        guard components.query == nil && components.fragment == nil else {
            return .failure(BaseURLProblem("must not have a query (?...) or fragment (#...)"))
        }
        var normalized = text
        while normalized.hasSuffix("/") {
            normalized.removeLast()
        }
        return .success(
            BaseURL(
                normalized: normalized,
                host: host,
                isPlainHTTP: scheme == "http",
                isLoopback: isLoopback(host: host)
            )
        )
    }

    /// Why a `base_url` was refused.
    struct BaseURLProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" {
            return true
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// An absolute path.
    static func absolutePath(_ path: String) -> String? {
        guard path.hasPrefix("/") else {
            return "must be an absolute path (starting with /)"
        }
        guard !path.utf8.contains(0) else {
            return "must not contain NUL"
        }
        return nil
    }

    /// A `*_file` secret's path: absolute, or `$CREDENTIALS_DIRECTORY/NAME` (also `${CREDENTIALS_DIRECTORY}/NAME`)
    /// for a systemd credential (`LoadCredential=NAME:…`), resolved when the secret is loaded.
    static func secretFilePath(_ path: String) -> String? {
        if let name = SecretReference.credentialName(path) {
            guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", !name.utf8.contains(0) else {
                return
                    "must name one credential after $CREDENTIALS_DIRECTORY/, such as $CREDENTIALS_DIRECTORY/strait-api-key"
            }
            return nil
        }
        return absolutePath(path)
    }

    /// An absolute path short enough for `sockaddr_un.sun_path` (108 bytes with the terminating NUL).
    static func socketPath(_ path: String) -> String? {
        if let problem = absolutePath(path) {
            return problem
        }
        if path.hasSuffix("/") {
            return "must name the socket file, not a directory"
        }
        let length = path.utf8.count
        if length >= 108 {
            return "is \(length) bytes long; a Unix socket path must be shorter than 108 bytes"
        }
        return nil
    }

    /// An environment variable name: letters, digits and `_`, not starting with a digit. The value is not
    /// repeated, in case a secret was pasted instead of a name.
    static func environmentVariable(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let valid =
            !bytes.isEmpty && !isDigit(bytes[0])
            && bytes.allSatisfy { isASCIILetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
        return valid
            ? nil
            : #"must be the name of an environment variable (letters, digits and _), such as "STRAIT_API_KEY""#
    }

    /// A principal name: 1 to 64 characters from `a-z A-Z 0-9 . _ -`.
    static func principalName(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let valid =
            (1...64).contains(bytes.count)
            && bytes.allSatisfy { isASCIILetter($0) || isDigit($0) || "._-".utf8.contains($0) }
        return valid
            ? nil : "must be 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-', got \(TOMLKey.quote(name))"
    }

    /// A Unix user or group name: 1 to 256 characters from `a-z A-Z 0-9 . _ - @ $`, not starting with `-`.
    static func accountName(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let valid =
            (1...256).contains(bytes.count) && bytes[0] != UInt8(ascii: "-")
            && bytes.allSatisfy { isASCIILetter($0) || isDigit($0) || "._-@$".utf8.contains($0) }
        return valid
            ? nil
            : "must be a user or group name (letters, digits, '.', '_', '-', '@', '$'), got \(TOMLKey.quote(name))"
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}

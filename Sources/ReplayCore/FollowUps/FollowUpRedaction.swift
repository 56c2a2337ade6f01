/// Keeps follow-up destinations (bearer URLs) out of logs and error messages.
enum FollowUpRedaction {
    /// The longest response excerpt kept in an error message.
    static let excerptLimit = 160

    /// The host of an `http(s)` URL (without port or user info), or `nil` when `url` is not one.
    static func host(of url: String) -> String? {
        guard let authority = authority(of: url) else { return nil }
        var host = Substring(authority)
        if let at = host.lastIndex(of: "@") {
            host = host[host.index(after: at)...]
        }
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[...close]
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        return host.isEmpty ? nil : String(host)
    }

    /// Whether `url` is an absolute `http` or `https` URL with a host.
    static func isHTTPURL(_ url: String) -> Bool {
        host(of: url) != nil && !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F })
    }

    /// `text` with every piece of `destination` that could be a secret removed (the URL itself, its path and query
    /// segments of 8 or more characters), control characters replaced, and cut to `limit` characters.
    static func redact(_ text: String, destination: String, limit: Int = excerptLimit) -> String {
        var result = text
        var secrets = [destination]
        if let authority = authority(of: destination),
            let range = destination.firstRange(of: authority)
        {
            let rest = destination[range.upperBound...]
            secrets += rest.split(whereSeparator: { "/?&=#".contains($0) }).map(String.init).filter { $0.count >= 8 }
        }
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            result = result.replacing(secret, with: "[redacted]")
        }
        let printable = String(
            String.UnicodeScalarView(
                result.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }
            )
        )
        guard printable.count > limit else { return printable }
        return String(printable.prefix(limit)) + "…"
    }

    /// The authority (`user@host:port`) of an `http(s)` URL, or `nil`.
    private static func authority(of url: String) -> String? {
        let lowered = url.lowercased()
        let schemeLength: Int
        if lowered.hasPrefix("https://") {
            schemeLength = 8
        } else if lowered.hasPrefix("http://") {
            schemeLength = 7
        } else {
            return nil
        }
        let rest = url.dropFirst(schemeLength)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.isEmpty ? nil : String(authority)
    }
}

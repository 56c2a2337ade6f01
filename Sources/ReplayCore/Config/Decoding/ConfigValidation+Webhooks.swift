import Strait

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ConfigValidation {
    /// A source name: 1 to 64 characters from `a-z 0-9 _ -` (it is a URL path segment).
    static func sourceName(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let valid =
            (1...64).contains(bytes.count)
            && bytes.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || isDigit($0) || "_-".utf8.contains($0)
            }
        return valid ? nil : "must be 1 to 64 characters from a-z, 0-9, '_' and '-', got \(TOMLKey.quote(name))"
    }

    /// A key id: 1 to 64 characters from `a-z A-Z 0-9 . _ -`.
    static func keyID(_ id: String) -> String? {
        let bytes = Array(id.utf8)
        let valid =
            (1...64).contains(bytes.count)
            && bytes.allSatisfy { isASCIILetter($0) || isDigit($0) || "._-".utf8.contains($0) }
        return valid ? nil : "must be 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-', got \(TOMLKey.quote(id))"
    }

    /// An RFC 6901 JSON pointer: empty, or `/`-separated tokens where `~` is followed by `0` or `1`.
    static func jsonPointer(_ pointer: String) -> String? {
        guard pointer.isEmpty || pointer.hasPrefix("/") else {
            return "must be a JSON pointer starting with \"/\", such as \"/run_id\", got \(TOMLKey.quote(pointer))"
        }
        let bytes = Array(pointer.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "~") {
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if next != UInt8(ascii: "0") && next != UInt8(ascii: "1") {
                return "has \"~\" not followed by 0 or 1 (write ~0 for ~ and ~1 for /), got \(TOMLKey.quote(pointer))"
            }
        }
        return nil
    }

    /// A run status Strait can replay (`failed`, `timed_out`, `crashed`, `system_failed`).
    static func runStatus(_ status: String) -> String? {
        let known = RunStatus.replayable.map(\.rawValue).sorted()
        return known.contains(status)
            ? nil
            : "must be a status Strait can replay (\(known.joined(separator: ", "))), got \(TOMLKey.quote(status))"
    }

    /// A regular expression Swift's `Regex` accepts.
    static func regularExpression(_ pattern: String) -> String? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "is not a valid regular expression (\(error)): \(TOMLKey.quote(pattern))"
        }
    }

    /// A CIDR block (`10.0.0.0/8`, `fd00::/8`) or a single address.
    static func cidr(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let problem =
            "must be an IP address or CIDR block such as \"10.0.0.0/8\" or \"::1/128\", got \(TOMLKey.quote(text))"
        guard parts.count <= 2, let address = parts.first else { return problem }
        var buffer = [UInt8](repeating: 0, count: 16)
        let bits: Int
        if inet_pton(AF_INET, String(address), &buffer) == 1 {
            bits = 32
        } else if inet_pton(AF_INET6, String(address), &buffer) == 1 {
            bits = 128
        } else {
            return problem
        }
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return problem }
        }
        return nil
    }

    /// A Slack user: `TEAM/USER`, such as `T0001/U0001`.
    static func slackUser(_ text: String) -> String? {
        twoPartIdentity(text)
            ? nil : "must be TEAM_ID/USER_ID, such as \"T0123ABC/U0456DEF\", got \(TOMLKey.quote(text))"
    }

    /// A Discord user: `GUILD/USER` (snowflakes), such as `81384788765712384/80351110224678912`.
    static func discordUser(_ text: String) -> String? {
        twoPartIdentity(text) && text.utf8.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "/") })
            ? nil
            : "must be GUILD_ID/USER_ID (numbers), such as \"8138478876571/8035111022467\", got \(TOMLKey.quote(text))"
    }

    /// A GitHub login: 1 to 39 characters from `a-z A-Z 0-9 -` (bots end in `[bot]`).
    static func githubLogin(_ text: String) -> String? {
        let name = text.hasSuffix("[bot]") ? String(text.dropLast(5)) : text
        let bytes = Array(name.utf8)
        let valid =
            (1...39).contains(bytes.count)
            && bytes.allSatisfy { isASCIILetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        return valid ? nil : "must be a GitHub login, got \(TOMLKey.quote(text))"
    }

    private static func twoPartIdentity(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { part in
                (1...64).contains(part.utf8.count) && part.utf8.allSatisfy { isASCIILetter($0) || isDigit($0) }
            }
    }
}

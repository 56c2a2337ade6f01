import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The id an instance writes on the leases it takes (`[state] instance_id`): unique in a fleet, and stable across
/// restarts so that a restarted instance resumes its own replays at once instead of after their leases expire.
public enum StateInstanceID {
    /// The longest id.
    public static let maxLength = 128

    /// The default: the host name and the first 8 hex digits of the SHA-256 of `[state] dir`
    /// (`gw-1-3f2a9c01`), so that two instances on one host with different state directories differ.
    public static func derived(hostname: String, stateDirectory: String) -> String {
        let host = String(hostname.unicodeScalars.filter(isAllowed).map(Character.init).prefix(maxLength - 9))
        let digest = SHA256.hash(data: Array(stateDirectory.utf8))
        let hex = digest.prefix(4).map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        return "\(host.isEmpty ? "replayd" : host)-\(hex)"
    }

    /// This host's name (`gethostname`), or `localhost`.
    public static func currentHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Why `value` is not a valid id, or `nil`: 1–128 characters among letters, digits, `.`, `_`, `-` and `:`.
    static func problem(_ value: String) -> String? {
        guard !value.isEmpty, value.unicodeScalars.count <= maxLength else {
            return "must be 1 to \(maxLength) characters"
        }
        guard value.unicodeScalars.allSatisfy(isAllowed) else {
            return "may contain only letters, digits, '.', '_', '-' and ':'"
        }
        return nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":": return true
        default: return false
        }
    }
}

/// The Strait API key. Its value never appears in `description`, logs, errors or encoded output.
public struct StraitAPIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    /// Wraps `value` (`strait_` followed by 64 lowercase hex characters, though the client does not enforce it:
    /// the server answers a malformed key with 401 `invalid api key`).
    public init(_ value: String) {
        self.value = value
    }

    /// The `Authorization` header value. The only place the key is revealed.
    var authorizationHeaderValue: String { "Bearer " + value }

    /// `hash` of the key's bytes, for keying shared state by the key without storing it (`hash` must be a
    /// cryptographic digest; its result is what may be stored).
    public func digest(_ hash: ([UInt8]) -> String) -> String {
        hash(Array(value.utf8))
    }

    /// The first 12 characters, as Strait stores them (`key_prefix`): safe to show.
    public var prefix: String { String(value.prefix(12)) }

    /// Whether the key has Strait's format (`strait_` + 64 lowercase hex). Used to warn at startup.
    public var hasStraitFormat: Bool {
        let utf8 = Array(value.utf8)
        guard utf8.count == 71, value.hasPrefix("strait_") else { return false }
        return utf8[7...].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "StraitAPIKey(<redacted>)" }
}

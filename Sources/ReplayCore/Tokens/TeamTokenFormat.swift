import Audit

/// What a team token and its id look like. A token is `rpd_` followed by 64 lowercase hex characters (32 random
/// bytes), 68 characters in all: the prefix lets secret scanners recognise a leaked one. An id is `tok_` and 16
/// hex characters; it names the token in lists, logs and the audit log, and cannot be used to authenticate.
public enum TeamTokenFormat {
    /// The token prefix.
    public static let prefix = "rpd_"
    /// The id prefix.
    public static let idPrefix = "tok_"
    /// A token's length in characters.
    public static let length = 68

    /// A new random token.
    public static func newToken() -> String {
        prefix + Hex.encode(randomBytes(32))
    }

    /// A new random id.
    public static func newID() -> String {
        idPrefix + Hex.encode(randomBytes(8))
    }

    /// `count` bytes from the system's cryptographically secure generator (`getrandom(2)`).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Whether `text` has a token's shape (it says nothing about whether the token exists).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == length && text.hasPrefix(prefix)
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            }
    }

    /// Whether `text` has an id's shape.
    public static func isWellFormedID(_ text: String) -> Bool {
        text.utf8.count == idPrefix.utf8.count + 16 && text.hasPrefix(idPrefix)
            && text.utf8.dropFirst(idPrefix.utf8.count).allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            }
    }
}

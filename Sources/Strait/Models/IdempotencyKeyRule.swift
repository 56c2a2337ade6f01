/// The rule for a caller's `Idempotency-Key`: 1 to 255 printable ASCII characters. replayd's socket door and
/// replayctl check the same rule, so a bad key is refused locally before anything is sent.
public enum IdempotencyKeyRule {
    /// The most bytes a key may have.
    public static let maxBytes = 255

    /// Whether `key` follows the rule.
    public static func isValid(_ key: String) -> Bool {
        (1...maxBytes).contains(key.utf8.count) && key.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Checks `key`.
    ///
    /// - Throws: `StraitInputError` with code `invalidIdempotencyKey`, saying which part of the rule failed.
    public static func validate(_ key: String) throws(StraitInputError) {
        guard !key.isEmpty else { throw .invalidIdempotencyKey(key, reason: "must not be empty") }
        guard key.utf8.count <= maxBytes else {
            throw .invalidIdempotencyKey(key, reason: "must be at most \(maxBytes) bytes")
        }
        guard isValid(key) else {
            throw .invalidIdempotencyKey(key, reason: "must be printable ASCII (no control or non-ASCII characters)")
        }
    }
}

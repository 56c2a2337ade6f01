import Audit
import Crypto
import Strait

/// Idempotency keys and request fingerprints.
public enum IdempotencyKey {
    /// Whether `key` is a valid caller key: 1–255 printable ASCII characters (`IdempotencyKeyRule`, shared with
    /// replayctl).
    public static func isValid(_ key: String) -> Bool {
        IdempotencyKeyRule.isValid(key)
    }

    /// A new random key for a caller that sent none: `rk_` and 32 hex characters (128 bits).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high: UInt64 = generator.next()
        let low: UInt64 = generator.next()
        return "rk_" + hex(high) + hex(low)
    }

    /// SHA-256 hex of the request's identity: the action, run id and checkpoint, length-prefixed so no two
    /// different requests share a fingerprint. `force` is deliberately not part of it: retrying with `force` under
    /// the same key is the same request.
    public static func fingerprint(action: String, runID: String, fromCheckpoint: Int64?) -> String {
        var material = ""
        for field in [action, runID, fromCheckpoint.map(String.init) ?? ""] {
            material += "\(field.utf8.count):\(field)\n"
        }
        return Hex.encode(SHA256.hash(data: Array(material.utf8)))
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

import Crypto

/// The idempotency keys of a bulk file's lines: `bulk-` + the first 32 hex digits of SHA-256(file content) + `-`
/// + the line number. Re-running the same file sends the same keys, so replayd answers from its records and creates
/// no new run; a changed file gets new keys.
public struct BulkKey: Sendable, Hashable {
    /// The 32 hex digits that name the file's content.
    public let fileDigest: String

    /// The keys for a file with these bytes.
    public init(fileContent: [UInt8]) {
        let digest = SHA256.hash(data: fileContent)
        let hex = digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 0x10 ? "0" + text : text
        }
        .joined()
        self.fileDigest = String(hex.prefix(32))
    }

    /// The key of line `line` (from 1).
    public func key(line: Int) -> String { "bulk-\(fileDigest)-\(line)" }
}

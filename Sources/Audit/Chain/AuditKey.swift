import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// The audit key: the secret that MACs every record and keys the hashes of idempotency keys and delivery ids.
///
/// The key file holds at least 32 bytes (for example `openssl rand -hex 32`); surrounding whitespace is ignored.
/// Three keys are derived from it with HMAC-SHA256 and fixed labels, so the file's bytes are used for nothing
/// directly:
/// - the MAC key (`"replayd-audit-mac-v1"`), for each record's `mac` = HMAC(MAC key, record hash);
/// - the value-hash key (`"replayd-audit-value-v1"`), for ``hashValue(_:)``;
/// - the key id: the first 8 bytes, in hex, of SHA-256(HMAC(file key, `"replayd-audit-key-id-v1"`)), written in
///   every record so a verifier knows which key to use and can say so when it has not been given it.
public struct AuditKey: Sendable {
    /// Why a key could not be loaded.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Identifies the key in records (`key_id`); not secret.
    public let id: String
    // The derived keys, with their HMAC blocks hashed once.
    private let macKey: HMACSHA256Key
    private let valueKey: HMACSHA256Key

    /// Derives the keys from `material` (at least 32 bytes).
    public init(material: some Collection<UInt8>) throws(LoadError) {
        guard material.count >= 32 else {
            throw LoadError(description: "the audit key must be at least 32 bytes, not \(material.count)")
        }
        let root = SymmetricKey(data: Array(material))
        func derive(_ label: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8), using: root))
        }
        macKey = HMACSHA256Key(derive("replayd-audit-mac-v1"))
        valueKey = HMACSHA256Key(derive("replayd-audit-value-v1"))
        let idSource = Array(HMAC<SHA256>.authenticationCode(for: Array("replayd-audit-key-id-v1".utf8), using: root))
        id = Hex.encode(Array(SHA256.hash(data: idSource)).prefix(8))
    }

    /// Loads the key from `path`. The file must be a regular file that others cannot read.
    public init(contentsOf path: String) throws(LoadError) {
        let bytes: [UInt8]
        do {
            bytes = try AuditFiles.readSecretFile(path)
        } catch {
            throw LoadError(description: "audit key \(path): \(error.description)")
        }
        var trimmed = bytes[...]
        while let last = trimmed.last, [0x20, 0x09, 0x0A, 0x0D].contains(last) { trimmed = trimmed.dropLast() }
        while let first = trimmed.first, [0x20, 0x09, 0x0A, 0x0D].contains(first) { trimmed = trimmed.dropFirst() }
        do {
            try self.init(material: trimmed)
        } catch {
            throw LoadError(description: "audit key \(path): \(error.description)")
        }
    }

    /// The record MAC over a record hash (lowercase hex).
    public func mac(hash: [UInt8]) -> String {
        Hex.encode(macKey.authenticationCode(for: hash))
    }

    /// Whether `mac` (hex) is the MAC of `hash`, compared in constant time.
    public func verifyMAC(_ mac: String, hash: [UInt8]) -> Bool {
        guard let bytes = Hex.decode(mac) else { return false }
        return macKey.isValidAuthenticationCode(bytes, for: hash)
    }

    /// A MAC checker with the HMAC key set up once, for checking many records.
    func macVerifier() -> AuditMACVerifier {
        AuditMACVerifier(id: id, macKey: macKey)
    }

    /// The keyed hash of a value that must not be stored in the clear (an idempotency key, a delivery id):
    /// `hmac-sha256:` followed by hex HMAC(value-hash key, value). `replayd audit hash-value` prints the same.
    public func hashValue(_ value: String) -> String {
        "hmac-sha256:" + Hex.encode(valueKey.authenticationCode(for: value))
    }
}

import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// Reading and writing the Ed25519 keys that sign checkpoints.
///
/// Accepted formats: PEM (`-----BEGIN PRIVATE KEY-----` PKCS#8 from `openssl genpkey -algorithm ed25519`, and
/// `-----BEGIN PUBLIC KEY-----` SubjectPublicKeyInfo from `openssl pkey -pubout`), 64 hex digits, or the 32 raw bytes.
public enum AuditSigningKeys {
    /// Why a key could not be read.
    public struct KeyError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    // The fixed DER prefixes of an Ed25519 key (RFC 8410): PKCS#8 v1 and SubjectPublicKeyInfo.
    private static let privatePrefix: [UInt8] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]
    private static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Loads a private key from `path` (which others must not be able to read).
    public static func loadPrivateKey(_ path: String) throws(KeyError) -> Curve25519.Signing.PrivateKey {
        let bytes: [UInt8]
        do {
            bytes = try AuditFiles.readSecretFile(path)
        } catch {
            throw KeyError(description: "checkpoint signing key \(path): \(error.description)")
        }
        guard let raw = rawKey(bytes, pemLabel: "PRIVATE KEY", derPrefix: privatePrefix),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw KeyError(description: "checkpoint signing key \(path): not an Ed25519 private key (PEM, hex or raw)")
        }
        return key
    }

    /// Loads a public key from `path`.
    public static func loadPublicKey(_ path: String) throws(KeyError) -> Curve25519.Signing.PublicKey {
        let bytes: [UInt8]
        do {
            bytes = try AuditFiles.read(path)
        } catch {
            throw KeyError(description: "checkpoint public key \(path): \(error.description)")
        }
        guard let raw = rawKey(bytes, pemLabel: "PUBLIC KEY", derPrefix: publicPrefix),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else {
            throw KeyError(description: "checkpoint public key \(path): not an Ed25519 public key (PEM, hex or raw)")
        }
        return key
    }

    /// `key` as PKCS#8 PEM.
    public static func pem(_ key: Curve25519.Signing.PrivateKey) -> String {
        pem(label: "PRIVATE KEY", der: privatePrefix + Array(key.rawRepresentation))
    }

    /// `key` as SubjectPublicKeyInfo PEM.
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        pem(label: "PUBLIC KEY", der: publicPrefix + Array(key.rawRepresentation))
    }

    /// Loads the key at `path`, or creates one there (0600) with its public half beside it (`<path>.pub`, 0644)
    /// when there is no file yet.
    public static func loadOrCreate(_ path: String) throws(KeyError) -> Curve25519.Signing.PrivateKey {
        if access(path, F_OK) == 0 { return try loadPrivateKey(path) }
        let key = Curve25519.Signing.PrivateKey()
        do {
            try AuditFiles.createDurably(path, bytes: Array(pem(key).utf8), mode: 0o600)
            let publicPath = path + ".pub"
            if access(publicPath, F_OK) == 0 { unlink(publicPath) }
            try AuditFiles.createDurably(publicPath, bytes: Array(pem(key.publicKey).utf8), mode: 0o644)
        } catch {
            throw KeyError(description: "cannot create checkpoint signing key: \(error.description)")
        }
        return key
    }

    private static func pem(label: String, der: [UInt8]) -> String {
        "-----BEGIN \(label)-----\n\(Base64.encode(der))\n-----END \(label)-----\n"
    }

    private static func rawKey(_ bytes: [UInt8], pemLabel: String, derPrefix: [UInt8]) -> [UInt8]? {
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        if text.hasPrefix("-----BEGIN \(pemLabel)-----") {
            let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            guard let der = Base64.decode(body.trimmingWhitespace()), der.count == derPrefix.count + 32,
                Array(der.prefix(derPrefix.count)) == derPrefix
            else { return nil }
            return Array(der.suffix(32))
        }
        if text.utf8.count == 64, let raw = Hex.decode(text) { return raw }
        return bytes.count == 32 ? bytes : nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}

import Audit
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The server key team tokens are hashed under: HMAC-SHA256, so a stolen state database cannot be used to test
/// guesses offline without this file too. 32 random bytes, stored as 64 hex characters in a `0600` file that
/// ``FileTrust`` checks like the audit key.
public struct TeamTokenKey: Sendable {
    private let bytes: [UInt8]

    /// A key from its raw bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The keyed hash a token is stored and looked up under: lowercase hex HMAC-SHA256.
    public func digest(_ token: String) -> String {
        Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(token.utf8), using: SymmetricKey(data: bytes))))
    }

    /// Compares two hex digests in constant time (for their common length).
    public static func equal(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Loads the key at `path`, checked by `trust` first. When `create` is set and the file does not exist, a new
    /// key is made there (`0600`, synced) first; `create` is for the default path under the state directory only,
    /// so a typo in `[team] token_key_file` never silently starts a new key (and invalidates every token).
    public static func load(
        _ path: String,
        create: Bool,
        trust: FileTrust
    ) throws(TeamTokenKeyError) -> (key: TeamTokenKey, created: Bool) {
        var created = false
        if create, access(path, F_OK) != 0, errno == ENOENT {
            let material = Hex.encode(TeamTokenFormat.randomBytes(32)) + "\n"
            do {
                try AuditFiles.createDurably(path, bytes: Array(material.utf8), mode: 0o600)
                created = true
            } catch {
                // Another process (the daemon, `replayd token`) may have made it first: read that one.
                if access(path, F_OK) != 0 {
                    throw TeamTokenKeyError(message: "cannot create the team token key \(path): \(error)")
                }
            }
        }
        do {
            try trust.checkKeyFile(path, what: "team token key", mayBeMissing: false)
        } catch {
            throw TeamTokenKeyError(message: error.description)
        }
        let bytes: [UInt8]
        do {
            bytes = try AuditFiles.readSecretFile(path)
        } catch {
            throw TeamTokenKeyError(message: "cannot read the team token key \(path): \(error)")
        }
        let text = String(String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace })
        guard text.utf8.count == 64, let raw = Hex.decode(text) else {
            throw TeamTokenKeyError(
                message: "the team token key \(path) must hold 64 hex characters (32 bytes); "
                    + "make one with: openssl rand -hex 32 > \(path) && chmod 600 \(path)"
            )
        }
        return (TeamTokenKey(bytes: raw), created)
    }
}

/// The team token key could not be made or read.
public struct TeamTokenKeyError: Error, Sendable, CustomStringConvertible {
    /// Words for the operator; never key material.
    public var message: String
    public var description: String { message }
}

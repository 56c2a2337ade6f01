import Crypto

/// Checks record MACs under one ``AuditKey`` for a verifier that checks many records: HMAC-SHA256 (RFC 2104) with
/// the key's inner and outer padded blocks hashed once, so each record costs two copies of a SHA-256 state and no
/// key schedule. Not `Sendable` (it holds hash states): make one per verify run, from ``AuditKey/macVerifier()``.
struct AuditMACVerifier {
    /// The key's id, as it appears in records.
    let id: String
    let idBytes: [UInt8]
    /// SHA-256 after the block `key ^ ipad`, and after `key ^ opad`.
    private let inner: SHA256
    private let outer: SHA256

    init(id: String, macKey: [UInt8]) {
        self.id = id
        self.idBytes = Array(id.utf8)
        var block = macKey.count > 64 ? Array(SHA256.hash(data: macKey)) : macKey
        block += Array(repeating: 0, count: 64 - block.count)
        func padded(_ pad: UInt8) -> SHA256 {
            var hasher = SHA256()
            hasher.update(data: block.map { $0 ^ pad })
            return hasher
        }
        inner = padded(0x36)
        outer = padded(0x5C)
    }

    private static let digits: StaticString = "0123456789abcdef"

    /// Whether `mac` (lowercase hex) is the MAC of the 32-byte record hash `hash`, compared in constant time.
    /// `false` for uppercase hex, which ``AuditKey/verifyMAC(_:hash:)`` would accept: callers fall back to it.
    func verify(mac: UnsafeBufferPointer<UInt8>, hash: UnsafeRawBufferPointer) -> Bool {
        guard mac.count == 64 else { return false }
        var innerHasher = inner
        innerHasher.update(bufferPointer: hash)
        var outerHasher = outer
        innerHasher.finalize().withUnsafeBytes { outerHasher.update(bufferPointer: $0) }
        let digits = Self.digits.utf8Start
        return outerHasher.finalize().withUnsafeBytes { bytes in
            guard bytes.count == 32 else { return false }
            var difference: UInt8 = 0
            for offset in 0..<32 {
                let byte = bytes[offset]
                difference |= mac[2 * offset] ^ digits[Int(byte >> 4)]
                difference |= mac[2 * offset + 1] ^ digits[Int(byte & 0x0F)]
            }
            return difference == 0
        }
    }
}

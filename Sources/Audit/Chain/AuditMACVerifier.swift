import Crypto

/// Checks record MACs under one ``AuditKey`` for a verifier that checks many records, with the key's HMAC blocks
/// hashed once (``HMACSHA256Key``) and the hex compared without decoding it. Make one per verify run, from
/// ``AuditKey/macVerifier()``.
struct AuditMACVerifier {
    /// The key's id, as it appears in records.
    let id: String
    let idBytes: [UInt8]
    private let macKey: HMACSHA256Key

    init(id: String, macKey: HMACSHA256Key) {
        self.id = id
        self.idBytes = Array(id.utf8)
        self.macKey = macKey
    }

    private static let digits: StaticString = "0123456789abcdef"

    /// Whether `mac` (lowercase hex) is the MAC of the 32-byte record hash `hash`, compared in constant time.
    /// `false` for uppercase hex, which ``AuditKey/verifyMAC(_:hash:)`` would accept: callers fall back to it.
    func verify(mac: UnsafeBufferPointer<UInt8>, hash: UnsafeRawBufferPointer) -> Bool {
        guard mac.count == 64 else { return false }
        let digits = Self.digits.utf8Start
        return macKey.authenticationCode(for: hash).withUnsafeBytes { bytes in
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

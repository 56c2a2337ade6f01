import Crypto

/// Checks record MACs under one ``AuditKey`` with the HMAC key set up once, for a verifier that checks many records.
/// Not `Sendable` (it holds a `SymmetricKey`): make one per verify run, from ``AuditKey/macVerifier()``.
struct AuditMACVerifier {
    /// The key's id, as it appears in records.
    let id: String
    let idBytes: [UInt8]
    private let keyed: HMAC<SHA256>

    init(id: String, macKey: SymmetricKey) {
        self.id = id
        self.idBytes = Array(id.utf8)
        self.keyed = HMAC<SHA256>(key: macKey)
    }

    private static let digits: StaticString = "0123456789abcdef"

    /// Whether `mac` (lowercase hex) is the MAC of the 32-byte record hash `hash`, compared in constant time.
    /// `false` for uppercase hex, which ``AuditKey/verifyMAC(_:hash:)`` would accept: callers fall back to it.
    func verify(mac: UnsafeBufferPointer<UInt8>, hash: UnsafeRawBufferPointer) -> Bool {
        guard mac.count == 64 else { return false }
        var hmac = keyed
        hmac.update(data: hash)
        let code = hmac.finalize()
        let digits = Self.digits.utf8Start
        return code.withUnsafeBytes { bytes in
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

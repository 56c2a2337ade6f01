import Crypto

/// An HMAC-SHA256 key (RFC 2104) with its inner and outer padded blocks hashed once, so each code costs two
/// copies of a SHA-256 state and no key schedule (swift-crypto's `HMAC` pads and hashes the key on every call, and
/// its `SymmetricKey` allocates).
///
/// `@unchecked Sendable`: it holds two `SHA256` states, which swift-crypto 3 does not mark `Sendable`. They are
/// copy-on-write values that are never mutated here (each code works on its own copies), so sharing them between
/// threads is safe.
struct HMACSHA256Key: @unchecked Sendable {
    /// SHA-256 after the block `key ^ ipad`, and after `key ^ opad`.
    private let inner: SHA256
    private let outer: SHA256

    /// Sets up `key` (any length; longer than a block is hashed first, as RFC 2104 says).
    init(_ key: [UInt8]) {
        var block = key.count > 64 ? Array(SHA256.hash(data: key)) : key
        block += Array(repeating: 0, count: 64 - block.count)
        func padded(_ pad: UInt8) -> SHA256 {
            var hasher = SHA256()
            hasher.update(data: block.map { $0 ^ pad })
            return hasher
        }
        inner = padded(0x36)
        outer = padded(0x5C)
    }

    /// HMAC-SHA256(key, `message`).
    func authenticationCode(for message: UnsafeRawBufferPointer) -> SHA256Digest {
        var innerHasher = inner
        innerHasher.update(bufferPointer: message)
        var outerHasher = outer
        innerHasher.finalize().withUnsafeBytes { outerHasher.update(bufferPointer: $0) }
        return outerHasher.finalize()
    }

    /// HMAC-SHA256(key, `message`).
    func authenticationCode(for message: [UInt8]) -> SHA256Digest {
        message.withUnsafeBytes { authenticationCode(for: $0) }
    }

    /// HMAC-SHA256(key, the UTF-8 of `message`).
    func authenticationCode(for message: String) -> SHA256Digest {
        var message = message
        return message.withUTF8 { authenticationCode(for: UnsafeRawBufferPointer($0)) }
    }

    /// Whether `code` is the code of `message`, compared in constant time (for a `code` of the right length).
    func isValidAuthenticationCode(_ code: [UInt8], for message: [UInt8]) -> Bool {
        guard code.count == SHA256Digest.byteCount else { return false }
        return authenticationCode(for: message).withUnsafeBytes { expected in
            var difference: UInt8 = 0
            for offset in 0..<SHA256Digest.byteCount { difference |= expected[offset] ^ code[offset] }
            return difference == 0
        }
    }
}

/// Hex decoding for signature headers.
enum SignatureHex {
    /// The bytes of `text`, or `nil` when it is not hex of even length. Uppercase digits are accepted unless
    /// `lowercaseOnly` (Strait requires lowercase, as its own receiver does).
    static func decode(_ text: Substring, lowercaseOnly: Bool = false) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index], lowercaseOnly), let low = nibble(utf8[index + 1], lowercaseOnly)
            else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ byte: UInt8, _ lowercaseOnly: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where !lowercaseOnly: byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

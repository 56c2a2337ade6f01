/// RFC 9562 version 7 UUIDs, the form of the ids Strait gives new runs (`queue/postgres_run_writer.go`):
/// a 48-bit Unix millisecond timestamp, then version, variant and random bits, in lowercase 8-4-4-4-12 form.
enum UUIDv7 {
    /// A new id for the instant `unixTime`.
    static func make(unixTime: Duration, using generator: inout some RandomNumberGenerator) -> String {
        let (seconds, attoseconds) = unixTime.components
        let milliseconds = UInt64(max(0, seconds)) &* 1000 &+ UInt64(max(0, attoseconds) / 1_000_000_000_000_000)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> UInt64(8 * (5 - index)))
        }
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        for index in 6..<16 {
            let source = index < 8 ? high : low
            bytes[index] = UInt8(truncatingIfNeeded: source >> UInt64(8 * (index % 8)))
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)

        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append("-") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}

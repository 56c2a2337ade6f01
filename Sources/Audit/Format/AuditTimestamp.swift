#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 timestamps in UTC with nine fractional digits, as `ts` is written (`2026-11-29T13:05:01.123456789Z`).
public enum AuditTimestamp {
    /// Formats nanoseconds since the Unix epoch.
    public static func format(unixNanoseconds: Int64) -> String {
        var seconds = time_t(unixNanoseconds / 1_000_000_000)
        var nanos = unixNanoseconds % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
            + ".\(pad(Int(nanos), 9))Z"
    }

    /// Parses a timestamp in the form ``format(unixNanoseconds:)`` writes, or a plain date-time with `Z` and 0 to 9
    /// fractional digits; `nil` for anything else.
    public static func parse(_ text: String) -> Int64? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 20, utf8.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= utf8.count else { return nil }
            var value = 0
            for byte in utf8[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"), utf8[10] == UInt8(ascii: "T"),
            utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var nanos: Int64 = 0
        let rest = utf8[19..<(utf8.count - 1)]
        if !rest.isEmpty {
            guard rest.first == UInt8(ascii: "."), (2...10).contains(rest.count),
                let fraction = number((20)..<(utf8.count - 1))
            else { return nil }
            nanos = Int64(fraction)
            for _ in 0..<(10 - rest.count) { nanos *= 10 }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = Int64(timegm(&parts))
        return seconds * 1_000_000_000 + nanos
    }

    /// Whether `bytes` is a timestamp exactly as ``format(unixNanoseconds:)`` writes it (nine fractional digits)
    /// that ``parse(_:)`` accepts, checked without converting it. `false` says nothing: use ``parse(_:)``.
    static func isWrittenForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 30 else { return false }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for offset in start..<(start + count) {
                let byte = bytes[offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."),
            bytes[29] == UInt8(ascii: "Z"), number(0, 4) != nil, let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2), number(20, 9) != nil,
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return false }
        return true
    }
}

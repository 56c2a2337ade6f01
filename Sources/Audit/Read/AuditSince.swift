/// The value of `audit tail --since`: an RFC 3339 time, or a duration ago.
public enum AuditSince {
    /// The instant `text` means, in nanoseconds since the Unix epoch, or `nil` when it is neither form.
    ///
    /// - An RFC 3339 date-time with `Z` or a `±hh:mm` offset and 0 to 9 fractional digits
    ///   (`2026-11-29T13:00:00Z`, `2026-11-29T14:00:00.5+01:00`), or a plain date (`2026-11-29`, midnight UTC).
    /// - A duration before `now`: whole numbers with units `s`, `m`, `h`, `d` or `w`, one or more
    ///   (`90s`, `10m`, `2h`, `1d`, `1h30m`).
    public static func parse(_ text: String, now: Int64) -> Int64? {
        if let ago = duration(text) {
            let (instant, overflow) = now.subtractingReportingOverflow(ago)
            return overflow ? nil : instant
        }
        return dateTime(text)
    }

    /// A duration such as `1h30m`, in nanoseconds, or `nil`.
    public static func duration(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (times, overflowTimes) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(Int64(digit))
                guard !overflowTimes, !overflowSum else { return nil }
                number = sum
                continue
            }
            let unit: Int64
            switch character {
            case "s": unit = 1_000_000_000
            case "m": unit = 60 * 1_000_000_000
            case "h": unit = 3600 * 1_000_000_000
            case "d": unit = 86_400 * 1_000_000_000
            case "w": unit = 7 * 86_400 * 1_000_000_000
            default: return nil
            }
            guard let value = number else { return nil }
            let (part, overflowPart) = value.multipliedReportingOverflow(by: unit)
            let (sum, overflowSum) = total.addingReportingOverflow(part)
            guard !overflowPart, !overflowSum else { return nil }
            total = sum
            number = nil
        }
        guard number == nil, !text.isEmpty else { return nil }
        return total
    }

    /// An RFC 3339 date-time or a plain date, in nanoseconds since the Unix epoch, or `nil`.
    public static func dateTime(_ text: String) -> Int64? {
        let upper = text.uppercased()
        if upper.utf8.count == 10 { return AuditTimestamp.parse(upper + "T00:00:00Z") }
        if upper.hasSuffix("Z") { return AuditTimestamp.parse(upper) }
        let utf8 = Array(upper.utf8)
        guard utf8.count > 6, utf8[utf8.count - 3] == UInt8(ascii: ":") else { return nil }
        let sign = utf8[utf8.count - 6]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let hours = Int64(String(decoding: utf8[(utf8.count - 5)..<(utf8.count - 3)], as: UTF8.self)),
            let minutes = Int64(String(decoding: utf8[(utf8.count - 2)...], as: UTF8.self)),
            hours < 24, minutes < 60,
            let local = AuditTimestamp.parse(String(decoding: utf8[..<(utf8.count - 6)], as: UTF8.self) + "Z")
        else { return nil }
        let offset = (hours * 3600 + minutes * 60) * 1_000_000_000
        return sign == UInt8(ascii: "+") ? local - offset : local + offset
    }
}

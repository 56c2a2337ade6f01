/// Durations as written in replayd config files: an integer and a unit, such as `"250ms"`, `"5s"`, `"10m"`,
/// `"24h"`, optionally combined from largest to smallest unit (`"1m30s"`).
///
/// Units are `ms`, `s`, `m` and `h`. Fractions (`"1.5s"`), negative values and a bare number without a unit
/// are refused: write `"1500ms"`.
public enum ConfigDuration {
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// The duration `text` describes, or `nil` when it is not a valid duration.
    public static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var position = 0
        var total: Int64 = 0
        var previousUnit = -1
        while position < bytes.count {
            var number: Int64 = 0
            let digitsStart = position
            while position < bytes.count, let digit = decimalDigit(bytes[position]) {
                let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(digit)
                guard !overflow1 && !overflow2 else { return nil }
                number = sum
                position += 1
            }
            guard position > digitsStart else { return nil }
            let unitStart = position
            while position < bytes.count && decimalDigit(bytes[position]) == nil {
                position += 1
            }
            let suffix = String(decoding: bytes[unitStart..<position], as: UTF8.self)
            guard let unitIndex = units.firstIndex(where: { $0.suffix == suffix }), unitIndex > previousUnit else {
                return nil
            }
            previousUnit = unitIndex
            let (milliseconds, overflow1) = number.multipliedReportingOverflow(by: units[unitIndex].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(milliseconds)
            guard !overflow1 && !overflow2 else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// `duration` written the way ``parse(_:)`` reads it, in the largest units that are exact: `"250ms"`,
    /// `"1m30s"`, `"0s"`. Durations that are not whole milliseconds use `Duration`'s own description.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard duration >= .zero, attoseconds % 1_000_000_000_000_000 == 0 else {
            return duration.description
        }
        var remaining = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if remaining == 0 {
            return "0s"
        }
        var text = ""
        for unit in units {
            let count = remaining / unit.milliseconds
            if count > 0 {
                text += "\(count)\(unit.suffix)"
                remaining -= count * unit.milliseconds
            }
        }
        return text
    }

    private static func decimalDigit(_ byte: UInt8) -> Int64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
    }
}

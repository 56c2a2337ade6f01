/// Sizes as written in replayd config files: an integer number of bytes (`16384`), or a string with a binary
/// unit (`"16KiB"`, `"1MiB"`, `"8MiB"`, `"1GiB"`, `"512B"`).
///
/// Units are `B`, `KiB`, `MiB` and `GiB` (powers of 1024). Decimal units (`KB`, `MB`) are refused because they
/// are ambiguous.
public enum ConfigByteSize {
    private static let units: [(suffix: String, bytes: Int)] = [
        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1),
    ]

    /// The number of bytes `text` describes, or `nil` when it is not a valid size.
    public static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        var suffix = text.dropFirst(digits.count)
        if suffix.first == " " {
            suffix = suffix.dropFirst()
        }
        if suffix.isEmpty {
            return number
        }
        guard let unit = units.first(where: { $0.suffix == suffix }) else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit.bytes)
        return overflow ? nil : bytes
    }

    /// `bytes` in the largest exact unit: `"16KiB"`, `"8MiB"`, `"1000B"`.
    public static func format(_ bytes: Int) -> String {
        for unit in units where bytes != 0 && bytes % unit.bytes == 0 {
            return "\(bytes / unit.bytes)\(unit.suffix)"
        }
        return "\(bytes)B"
    }
}

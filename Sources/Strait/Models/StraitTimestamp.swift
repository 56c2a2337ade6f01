/// An RFC 3339 timestamp as Strait writes it (Go `RFC3339Nano`: 0–9 fractional digits, `Z` or an offset).
///
/// The original text is kept, so a decoded run re-encodes byte-for-byte; the instant is parsed for comparisons.
public struct StraitTimestamp: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The text as received.
    public let rawValue: String
    /// Whole seconds since the Unix epoch (UTC).
    public let secondsSinceEpoch: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    public let nanoseconds: Int32

    /// Parses `text`, or returns `nil` when it is not RFC 3339.
    public init?(_ text: String) {
        guard let parsed = RFC3339.parse(text) else { return nil }
        self.rawValue = text
        self.secondsSinceEpoch = parsed.seconds
        self.nanoseconds = parsed.nanos
    }

    /// Creates a timestamp for an instant, formatted in UTC with nanosecond precision trimmed of trailing zeros.
    public init(secondsSinceEpoch: Int64, nanoseconds: Int32) {
        self.secondsSinceEpoch = secondsSinceEpoch
        self.nanoseconds = nanoseconds
        self.rawValue = RFC3339.format(seconds: secondsSinceEpoch, nanos: nanoseconds)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = StraitTimestamp(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "not an RFC 3339 timestamp: \(text)"
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: StraitTimestamp, rhs: StraitTimestamp) -> Bool {
        (lhs.secondsSinceEpoch, lhs.nanoseconds) < (rhs.secondsSinceEpoch, rhs.nanoseconds)
    }

    public static func == (lhs: StraitTimestamp, rhs: StraitTimestamp) -> Bool {
        lhs.secondsSinceEpoch == rhs.secondsSinceEpoch && lhs.nanoseconds == rhs.nanoseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(secondsSinceEpoch)
        hasher.combine(nanoseconds)
    }
}

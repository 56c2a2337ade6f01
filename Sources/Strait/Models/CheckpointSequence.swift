/// A validated `from_checkpoint` value: a positive integer, like Strait's check (`runs.go:269-273`) but stricter
/// (no sign, no leading zeros needed), checked before any network call.
public struct CheckpointSequence: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The sequence number, ≥ 1.
    public let value: Int64

    /// Validates an integer.
    public init(_ value: Int64) throws(StraitInputError) {
        guard value >= 1 else { throw .invalidCheckpoint(String(value)) }
        self.value = value
    }

    /// Parses decimal text such as `"3"`. Accepts Go `Atoi` forms Strait accepts (`+3`, `007`); rejects empty,
    /// whitespace, signs on zero or negatives, and values outside Int64.
    public init(parsing text: String) throws(StraitInputError) {
        var digits = Substring(text)
        if digits.hasPrefix("+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(digits) else {
            throw .invalidCheckpoint(text)
        }
        try self.init(value)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self = try CheckpointSequence(number)
        } else {
            self = try CheckpointSequence(parsing: container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { String(value) }
}

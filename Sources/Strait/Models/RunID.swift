/// A validated run id. Validation happens before any network call (the Strait CLI's rules, `paths.go:37-57`,
/// plus a length cap), so a bad id never reaches the server.
public struct RunID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The most bytes a run id may have.
    public static let maxBytes = 128

    /// The id as given.
    public let rawValue: String

    /// Validates `rawValue`.
    ///
    /// - Throws: `StraitInputError` naming the rule that failed: empty, too long, `.`/`..`, contains `/`,
    ///   leading `%`, or a control character.
    public init(_ rawValue: String) throws(StraitInputError) {
        guard !rawValue.isEmpty else { throw .invalidRunID(rawValue, reason: "must not be empty") }
        guard rawValue.utf8.count <= Self.maxBytes else {
            throw .invalidRunID(rawValue, reason: "must be at most \(Self.maxBytes) bytes")
        }
        guard rawValue != ".", rawValue != ".." else {
            throw .invalidRunID(rawValue, reason: "must not be \".\" or \"..\"")
        }
        guard !rawValue.contains("/") else { throw .invalidRunID(rawValue, reason: "must not contain \"/\"") }
        guard !rawValue.hasPrefix("%") else { throw .invalidRunID(rawValue, reason: "must not start with \"%\"") }
        guard !Self.containsControlCharacter(rawValue) else {
            throw .invalidRunID(rawValue, reason: "must not contain control characters")
        }
        self.rawValue = rawValue
    }

    /// Whether `text` has a scalar of general category Cc. In ASCII those are exactly 0x00–0x1F and 0x7F, so an
    /// ASCII id (nearly every one) is checked by its bytes, without a Unicode property lookup per scalar.
    private static func containsControlCharacter(_ text: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.contains { $0 < 0x20 || $0 == 0x7F } }
        return text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try RunID(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The id percent-encoded as one URL path segment (RFC 3986 unreserved characters are kept).
    public var pathSegment: String { PercentEncoding.pathSegment(rawValue) }

    public var description: String { rawValue }
}

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
        guard !rawValue.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidRunID(rawValue, reason: "must not contain control characters")
        }
        self.rawValue = rawValue
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

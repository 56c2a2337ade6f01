/// A secret value, such as the Strait API key, that never shows itself.
///
/// `description`, `debugDescription`, reflection (`dump`, `Mirror`) and `Encodable` all produce `<redacted>`.
/// The value is reachable only through ``withUnsafeValue(_:)``, so every place that needs it is easy to find.
///
/// ```swift
/// let header = apiKey.withUnsafeValue { "Bearer \($0)" }
/// ```
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Codable {
    /// What every rendering of a secret shows instead of the value.
    public static let redacted = "<redacted>"

    private let value: String
    /// Where the value was loaded from; `nil` when it was created in code.
    public let source: SecretReference?

    /// Wraps `value`.
    public init(_ value: String, source: SecretReference? = nil) {
        self.value = value
        self.source = source
    }

    /// The length of the value in UTF-8 bytes (safe to show).
    public var byteCount: Int { value.utf8.count }

    /// Calls `body` with the value. Keep the value inside `body`'s result only where it must go (a request
    /// header); never log it or put it in an error.
    public func withUnsafeValue<Result, Failure: Error>(
        _ body: (String) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(value)
    }

    /// `<redacted>`.
    public var description: String { Self.redacted }

    /// `Secret(<redacted>)`, plus the source when known.
    public var debugDescription: String {
        if let source {
            return "Secret(\(Self.redacted), from \(source))"
        }
        return "Secret(\(Self.redacted))"
    }

    /// A mirror that shows the source and `<redacted>`, so `dump` cannot reveal the value.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["value": Self.redacted, "source": source.map(\.description) ?? "code"],
            displayStyle: .struct
        )
    }

    /// Encodes `<redacted>`, never the value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Self.redacted)
    }

    /// Decodes a secret from a string. The placeholder `<redacted>` is refused, so an encoded (redacted) secret
    /// cannot come back as if it held a value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(String.self)
        guard value != Self.redacted else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "a redacted placeholder is not a secret value"
            )
        }
        self.init(value)
    }
}

/// How log lines are written: human-readable text or one JSON object per line.
public struct LogFormat: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, CaseIterable {
        case text
        case json
    }
    private let base: Base

    private init(_ base: Base) { self.base = base }

    /// `key=value` text lines, for people and journald.
    public static let text = LogFormat(.text)
    /// One JSON object per line, for log shippers.
    public static let json = LogFormat(.json)

    /// The format named `name` in a config file (`text` or `json`), or `nil`.
    public init?(configName name: String) {
        guard let base = Base(rawValue: name) else { return nil }
        self.init(base)
    }

    /// The names accepted in a config file.
    public static let configNames: [String] = Base.allCases.map(\.rawValue)

    /// `text` or `json`.
    public var description: String { base.rawValue }
}

/// How log lines are written: human-readable text or one JSON object per line.
public struct LogFormat: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, CaseIterable {
        case text
        case json
        case auto
    }
    private let base: Base

    private init(_ base: Base) { self.base = base }

    /// `key=value` text lines, for people and journald.
    public static let text = LogFormat(.text)
    /// One JSON object per line, for log shippers.
    public static let json = LogFormat(.json)
    /// Text when stderr is a terminal, JSON otherwise (journald, a file, a pipe): the default.
    public static let auto = LogFormat(.auto)

    /// The format to write with, `auto` resolved by whether stderr is a terminal.
    public func resolved(stderrIsTerminal: Bool) -> LogFormat {
        base == .auto ? (stderrIsTerminal ? .text : .json) : self
    }

    /// The format named `name` in a config file (`text` or `json`), or `nil`.
    public init?(configName name: String) {
        guard let base = Base(rawValue: name) else { return nil }
        self.init(base)
    }

    /// The names accepted in a config file.
    public static let configNames: [String] = Base.allCases.map(\.rawValue)

    /// `text`, `json` or `auto`.
    public var description: String { base.rawValue }
}

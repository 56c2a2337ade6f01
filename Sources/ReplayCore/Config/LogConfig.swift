import Logging

/// `[log]`: what replayd logs and how.
public struct LogConfig: Sendable, Hashable {
    /// `level`: `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`. Default `info`.
    public var level: Logger.Level
    /// `format`: `text`, `json`, or `auto` (text on a terminal, JSON otherwise). Default `auto`.
    public var format: LogFormat

    /// Creates the section with the defaults above.
    public init(level: Logger.Level = .info, format: LogFormat = .auto) {
        self.level = level
        self.format = format
    }
}

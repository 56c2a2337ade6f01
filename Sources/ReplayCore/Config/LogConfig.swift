import Logging

/// `[log]`: what replayd logs and how.
public struct LogConfig: Sendable, Hashable {
    /// `level`: `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`. Default `info`.
    public var level: Logger.Level
    /// `format`: `text` or `json`. Default `text`.
    public var format: LogFormat

    /// Creates the section with the defaults above.
    public init(level: Logger.Level = .info, format: LogFormat = .text) {
        self.level = level
        self.format = format
    }
}

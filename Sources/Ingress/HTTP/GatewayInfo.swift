/// Facts about this replayd process for `GET /v1/gateway/status`.
public struct GatewayInfo: Sendable {
    /// replayd's version.
    public var version: String
    /// Wall time (Unix seconds) the process started.
    public var startedAtUnixSeconds: Int64
    /// The monotonic instant the process started, for uptime.
    public var startedAt: ContinuousClock.Instant
    /// The socket path.
    public var socketPath: String

    /// Creates the facts.
    public init(version: String, startedAtUnixSeconds: Int64, startedAt: ContinuousClock.Instant, socketPath: String) {
        self.version = version
        self.startedAtUnixSeconds = startedAtUnixSeconds
        self.startedAt = startedAt
        self.socketPath = socketPath
    }
}

import ReplayCore

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
    /// This instance in the fleet (its id, the live instances); `nil` leaves `instance` out of the status.
    public var fleet: (any FleetStatusSource)?

    /// Creates the facts.
    public init(
        version: String,
        startedAtUnixSeconds: Int64,
        startedAt: ContinuousClock.Instant,
        socketPath: String,
        fleet: (any FleetStatusSource)? = nil
    ) {
        self.version = version
        self.startedAtUnixSeconds = startedAtUnixSeconds
        self.startedAt = startedAt
        self.socketPath = socketPath
        self.fleet = fleet
    }
}

/// `[team]`: the team door, a TCP listener serving Strait's replay route to teammates on other machines with
/// gateway-issued bearer tokens (`replayd token create`). Off unless `listen` is set. TLS is a reverse proxy's job.
public struct TeamConfig: Sendable, Hashable {
    /// `listen`: `host:port` to listen on, such as `127.0.0.1:8788` behind a proxy. Default none (off).
    public var listen: ListenAddress?
    /// `trusted_proxies`: CIDRs of the reverse proxies whose `X-Forwarded-For` names the client. Default none.
    public var trustedProxies: [String]
    /// `token_key_file`: the HMAC key tokens are hashed under. Default `<state.dir>/team-token.key`, created on
    /// first use; a configured path must exist.
    public var tokenKeyFile: String?
    /// `failure_threshold`: failed token attempts from one client within a minute that block it. Default 5.
    public var failureThreshold: Int
    /// `failure_block`: the first block's length; each further block doubles. Default 60 s.
    public var failureBlock: Duration
    /// `failure_block_max`: the longest block. Default 1 h.
    public var failureBlockMax: Duration
    /// `max_connections`: connections at once. Default 256.
    public var maxConnections: Int
    /// `max_connections_per_client`: connections one client address may hold. Default 64.
    public var maxConnectionsPerClient: Int

    /// Creates the section with the defaults above.
    public init(
        listen: ListenAddress? = nil,
        trustedProxies: [String] = [],
        tokenKeyFile: String? = nil,
        failureThreshold: Int = 5,
        failureBlock: Duration = .seconds(60),
        failureBlockMax: Duration = .seconds(3600),
        maxConnections: Int = 256,
        maxConnectionsPerClient: Int = 64
    ) {
        self.listen = listen
        self.trustedProxies = trustedProxies
        self.tokenKeyFile = tokenKeyFile
        self.failureThreshold = failureThreshold
        self.failureBlock = failureBlock
        self.failureBlockMax = failureBlockMax
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
    }

    /// The token key file for `state`.
    public func tokenKeyPath(state: StateConfig) -> String {
        tokenKeyFile ?? state.directory + "/team-token.key"
    }
}

/// The whole replayd configuration, as read from `replayd.toml`.
///
/// Every field has a default, so tests and tools can build a config in code and change what they need. Files
/// are read by ``load(path:environment:)``, which also validates every value and loads the secrets.
public struct ReplaydConfig: Sendable {
    /// `[upstream]`: the Strait API and how to call it.
    public var upstream: UpstreamConfig
    /// `[socket]`: the Unix socket local tools connect to.
    public var socket: SocketConfig
    /// `[state]`: where durable state lives.
    public var state: StateConfig
    /// `[log]`: log level and format.
    public var log: LogConfig
    /// `[replays]`: idempotency retention, coalescing, waiting and reconciliation.
    public var replays: ReplaysConfig
    /// `[audit]`: the tamper-evident audit log.
    public var audit: AuditConfig
    /// `[[principals]]`: who may replay, by Unix identity or chat/GitHub user. Empty means every caller is refused.
    public var principals: [PrincipalConfig]
    /// `[webhooks]`: the TCP listener for webhook senders (it runs only when ``sources`` is not empty).
    public var webhooks: WebhooksConfig
    /// `[[sources]]`: the webhook senders, each at `POST /hooks/<name>`.
    public var sources: [WebhookSourceConfig]
    /// `[admin]`: the optional admin listener (health and metrics on TCP).
    public var admin = AdminConfig()
    /// `[team]`: the team door (Strait's replay route on TCP with team tokens).
    public var team = TeamConfig()
    /// `[[grants]]`: what principals may do, deny by default (``GrantConfig``). A config with principals and no
    /// grants is refused, with the block that keeps the old behaviour.
    public var grants: [GrantConfig] = []
    /// `[auth]`: how grants are checked.
    public var auth = AuthConfig()
    /// `[limits]`: rate limits and the per-principal in-flight cap, for every door.
    public var limits = LimitsConfig()

    /// Creates a config; every section defaults to its own defaults.
    public init(
        upstream: UpstreamConfig = UpstreamConfig(),
        socket: SocketConfig = SocketConfig(),
        state: StateConfig = StateConfig(),
        log: LogConfig = LogConfig(),
        replays: ReplaysConfig = ReplaysConfig(),
        audit: AuditConfig = AuditConfig(),
        principals: [PrincipalConfig] = [],
        webhooks: WebhooksConfig = WebhooksConfig(),
        sources: [WebhookSourceConfig] = []
    ) {
        self.upstream = upstream
        self.socket = socket
        self.state = state
        self.log = log
        self.replays = replays
        self.audit = audit
        self.principals = principals
        self.webhooks = webhooks
        self.sources = sources
    }
}

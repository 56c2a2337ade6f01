import Webhooks

/// `[[sources]]`: one webhook sender, served at `POST /hooks/<name>`.
public struct WebhookSourceConfig: Sendable {
    /// `name` (required, unique): 1 to 64 characters from `a-z 0-9 _ -`; the URL path is `/hooks/<name>`.
    public var name: String
    /// `kind` (required): `slack`, `discord`, `github`, `standard_webhooks` or `strait`.
    public var kind: WebhookSourceKind
    /// `[[sources.keys]]` (at least one): the keyring. Several keys with overlapping validity rotate a secret
    /// without downtime.
    public var keys: [WebhookKeyConfig]
    /// `principal`: the `[[principals]]` name a `standard_webhooks` or `strait` source acts as (required for
    /// those kinds; chat and GitHub sources map each user instead).
    public var principal: String?
    /// `run_id_pointer`: where a `standard_webhooks` body holds the run id (RFC 6901). Default `/run_id`.
    public var runIDPointer: String = "/run_id"
    /// `checkpoint_pointer`: where it holds the checkpoint sequence. Default `/from_checkpoint`.
    public var checkpointPointer: String = "/from_checkpoint"
    /// `[sources.auto_replay]`: which Strait notifications are replayed (`strait` sources only).
    public var autoReplay: AutoReplayConfig = AutoReplayConfig()

    /// Creates a source.
    public init(name: String, kind: WebhookSourceKind, keys: [WebhookKeyConfig], principal: String? = nil) {
        self.name = name
        self.kind = kind
        self.keys = keys
        self.principal = principal
    }

    /// Whether this kind acts as one configured service principal.
    public var actsAsServicePrincipal: Bool { kind == .standardWebhooks || kind == .strait }
}

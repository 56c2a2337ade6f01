import Webhooks

/// One signature scheme a webhook sender uses, as the verifier benchmark measures it.
enum WebhookBenchScheme: String, CaseIterable, Sendable {
    case slackV0 = "slack_v0"
    case githubSHA256 = "github_sha256"
    case standardWebhooksV1 = "standard_webhooks_v1"
    case straitV1 = "strait_v1"
    case discordEd25519 = "discord_ed25519"
    case standardWebhooksV1a = "standard_webhooks_v1a"

    /// The source kind whose verifier checks this scheme.
    var kind: WebhookSourceKind {
        switch self {
        case .slackV0: .slack
        case .githubSHA256: .github
        case .standardWebhooksV1, .standardWebhooksV1a: .standardWebhooks
        case .straitV1: .strait
        case .discordEd25519: .discord
        }
    }

    /// Whether the scheme is an Ed25519 signature (the rest are HMAC-SHA256).
    var isEd25519: Bool { self == .discordEd25519 || self == .standardWebhooksV1a }

    /// The table's name for it.
    var label: String {
        switch self {
        case .slackV0: "Slack v0 (HMAC-SHA256)"
        case .githubSHA256: "GitHub sha256 (HMAC-SHA256)"
        case .standardWebhooksV1: "Standard Webhooks v1 (HMAC-SHA256)"
        case .straitV1: "Strait v1 (HMAC-SHA256)"
        case .discordEd25519: "Discord (Ed25519)"
        case .standardWebhooksV1a: "Standard Webhooks v1a (Ed25519)"
        }
    }

    /// The scheme the load benchmark's deliveries from a `kind` source are signed with.
    static func signing(_ kind: WebhookSourceKind) -> WebhookBenchScheme {
        switch kind {
        case .slack: .slackV0
        case .github: .githubSHA256
        case .standardWebhooks: .standardWebhooksV1
        case .strait: .straitV1
        case .discord: .discordEd25519
        }
    }
}

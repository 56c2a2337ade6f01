/// The kinds of webhook sender replayd understands; `[[sources]] kind` names one.
public enum WebhookSourceKind: String, Sendable, Hashable, CaseIterable {
    /// Slack slash commands (`v0` signatures, form bodies, `response_url` follow-ups).
    case slack
    /// Discord interactions (Ed25519 signatures, PING/PONG, deferred responses and follow-ups).
    case discord
    /// GitHub `issue_comment` webhooks (`sha256` signatures, `ping`).
    case github
    /// Any Standard Webhooks sender (`v1` HMAC or `v1a` Ed25519).
    case standardWebhooks = "standard_webhooks"
    /// Strait's own run notifications (`X-Strait-Signature` v1), replayed by an auto-replay policy.
    case strait
}

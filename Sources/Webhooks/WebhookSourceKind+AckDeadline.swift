extension WebhookSourceKind {
    /// How long the sender waits for the HTTP answer before it counts the delivery as failed: Slack and Discord
    /// 3 s, GitHub 10 s, Standard Webhooks 15 s (the low end of the spec's 15–30 s), Strait 10 s (an assumption:
    /// its notifier documents none). `replayd_webhook_acks_late_total` counts answers slower than this.
    public var ackDeadline: Duration {
        switch self {
        case .slack, .discord: .seconds(3)
        case .github: .seconds(10)
        case .standardWebhooks: .seconds(15)
        case .strait: .seconds(10)
        }
    }
}

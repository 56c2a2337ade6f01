/// A webhook delivery's identity: the source it came through and the sender's id for it (GitHub
/// `<hook id>:<delivery>`, Standard Webhooks `webhook-id`, Slack `trigger_id`, Discord interaction id, Strait
/// replay key or delivery id). The same delivery retried by its sender has the same identity.
public struct DeliveryID: Sendable, Hashable, CustomStringConvertible {
    /// The `[[sources]]` name.
    public var source: String
    /// The sender's id.
    public var id: String

    /// Creates an identity.
    public init(source: String, id: String) {
        self.source = source
        self.id = id
    }

    /// The idempotency key a delivery's replay uses: `webhook:<source>:<id>`, so a sender's retries, and the
    /// same delivery sent ten times at once, collapse into one upstream replay.
    public var idempotencyKey: String { "webhook:\(source):\(id)" }

    /// `source/id`. Delivery ids are not secrets, but logs and audit records still carry them hashed.
    public var description: String { "\(source)/\(id)" }
}

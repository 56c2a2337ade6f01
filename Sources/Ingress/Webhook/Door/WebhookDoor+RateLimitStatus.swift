import ReplayCore

extension WebhookDoor {
    /// The replay limits for deliveries of `source`, peeked without charging: the source's `source` limit (under
    /// the door of its kind) when it is configured, and `global`.
    public func rateLimitStatus(source name: String?) -> [RateLimitStatus] {
        guard let name, let source = live().sources[name] else {
            return pipeline.rateLimitStatus(principal: nil, door: .standardWebhooks, source: nil)
        }
        return pipeline.rateLimitStatus(principal: nil, door: Self.door(source.kind), source: source.name)
    }
}

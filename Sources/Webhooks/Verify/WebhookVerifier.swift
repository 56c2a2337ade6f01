/// Checks that a delivery was signed by one of a source's keys, on the raw bytes, before anything parses the body.
public protocol WebhookVerifier: Sendable {
    /// Verifies `delivery` at `unixSeconds` (the receiver's clock, passed in so tests and replays are exact).
    /// Returns which key and scheme matched, or throws the first reason the delivery is not accepted.
    func verify(
        _ delivery: WebhookDelivery,
        now unixSeconds: Int64
    ) throws(WebhookVerificationError)
        -> WebhookVerification
}

/// What a successful verification established: which key signed the delivery, when the sender says it signed it,
/// and under which scheme.
public struct WebhookVerification: Sendable, Hashable {
    /// The ``WebhookKey/id`` of the key that verified the signature (the first one in keyring order).
    public var keyID: String
    /// The signed timestamp (unix seconds), for schemes that sign one; `nil` for GitHub.
    public var signedTimestamp: Int64?
    /// The scheme that matched, such as `slack-v0` or `standard-webhooks-v1a`; each verifier documents its names.
    public var scheme: String

    /// A result naming `keyID`, `signedTimestamp` and `scheme`.
    public init(keyID: String, signedTimestamp: Int64?, scheme: String) {
        self.keyID = keyID
        self.signedTimestamp = signedTimestamp
        self.scheme = scheme
    }
}

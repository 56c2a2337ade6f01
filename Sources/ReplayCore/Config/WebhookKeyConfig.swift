/// `[[sources.keys]]`: one key of a source's keyring.
public struct WebhookKeyConfig: Sendable {
    /// What the key is.
    public enum Material: Sendable {
        /// A shared signing secret (HMAC), from `secret_env` or `secret_file`; `nil` until loaded.
        case secret(SecretReference, Secret?)
        /// A public key (Ed25519), written inline in `public_key`: Discord's hex, or `whpk_…` for Standard
        /// Webhooks `v1a`. Public keys are not secrets.
        case publicKey(String)
    }

    /// `id` (required, unique in the source): names the key in audit records and logs.
    public var id: String
    /// The key itself.
    public var material: Material
    /// `not_before`: RFC 3339; the key verifies nothing before then. Unix seconds.
    public var notBefore: Int64?
    /// `not_after`: RFC 3339; the key verifies nothing after then. Unix seconds.
    public var notAfter: Int64?

    /// Creates a key.
    public init(id: String, material: Material, notBefore: Int64? = nil, notAfter: Int64? = nil) {
        self.id = id
        self.material = material
        self.notBefore = notBefore
        self.notAfter = notAfter
    }
}

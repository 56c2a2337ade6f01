/// Why a configured key or keyring was refused. The message names the key id and what is wrong, never the secret.
public struct WebhookKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable reason.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A secret is empty, has surrounding whitespace, lacks its `whsec_` prefix, is not base64, or is too short.
        case malformedSecret = "malformed_secret"
        /// A public key lacks its `whpk_` prefix, is not base64 or hex, or is not a 32-byte Ed25519 key.
        case malformedPublicKey = "malformed_public_key"
        /// The key is of a kind the source cannot use (an Ed25519 key for Slack, a private `whsk_` key, …).
        case wrongKeyKind = "wrong_key_kind"
        /// The keyring has no keys.
        case emptyKeyring = "empty_keyring"
        /// A key id is empty or used twice in one keyring.
        case invalidKeyID = "invalid_key_id"
        /// A key's `not_before` is after its `not_after`.
        case invalidValidity = "invalid_validity"
    }

    /// The reason.
    public var code: Code
    /// A sentence for the operator; never contains the secret.
    public var message: String

    /// An error with this code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}

import Crypto

extension WebhookKey.Material {
    /// The shortest Standard Webhooks secret accepted, in bytes (the Standard Webhooks spec asks for 24 to 64).
    public static let minimumStandardWebhooksSecretLength = 16

    /// A secret the sender keys its HMAC with as text: Slack signing secrets, GitHub webhook secrets, Strait
    /// webhook secrets. The key is the UTF-8 bytes of `text`, which must be non-empty and have no surrounding
    /// whitespace (a stray newline from a secrets file would otherwise make every signature fail).
    public static func textSecret(_ text: String) throws(WebhookKeyError) -> Self {
        guard !text.isEmpty else { throw WebhookKeyError(.malformedSecret, "The secret is empty.") }
        let whitespace: Set<Character> = [" ", "\t", "\n", "\r", "\r\n"]
        guard let first = text.first, let last = text.last, !whitespace.contains(first), !whitespace.contains(last)
        else {
            throw WebhookKeyError(.malformedSecret, "The secret begins or ends with whitespace.")
        }
        return .secret(Array(text.utf8))
    }

    /// A Standard Webhooks secret written `whsec_<base64>`; the HMAC key is the decoded bytes. A signing key
    /// (`whsk_`) or a public key (`whpk_`) is refused with `wrong_key_kind`.
    public static func standardWebhooksSecret(_ text: String) throws(WebhookKeyError) -> Self {
        try refusePrivateKey(text)
        guard !text.hasPrefix("whpk_") else {
            throw WebhookKeyError(
                .wrongKeyKind,
                "A whpk_ public key was given where a whsec_ secret is expected."
            )
        }
        guard text.hasPrefix("whsec_") else {
            throw WebhookKeyError(.malformedSecret, "A Standard Webhooks secret must start with whsec_.")
        }
        guard let bytes = SignatureBase64.decode(text.dropFirst(6)) else {
            throw WebhookKeyError(.malformedSecret, "The part of the secret after whsec_ is not base64.")
        }
        guard bytes.count >= minimumStandardWebhooksSecretLength else {
            throw WebhookKeyError(
                .malformedSecret,
                "The secret after whsec_ decodes to \(bytes.count) bytes; at least "
                    + "\(minimumStandardWebhooksSecretLength) are required."
            )
        }
        return .secret(bytes)
    }

    /// A Standard Webhooks Ed25519 public key written `whpk_<base64>` (32 bytes), for `v1a` signatures. A signing
    /// key (`whsk_`) or a secret (`whsec_`) is refused with `wrong_key_kind`.
    public static func standardWebhooksPublicKey(_ text: String) throws(WebhookKeyError) -> Self {
        try refusePrivateKey(text)
        guard !text.hasPrefix("whsec_") else {
            throw WebhookKeyError(.wrongKeyKind, "A whsec_ secret was given where a whpk_ public key is expected.")
        }
        guard text.hasPrefix("whpk_") else {
            throw WebhookKeyError(.malformedPublicKey, "A Standard Webhooks public key must start with whpk_.")
        }
        guard let bytes = SignatureBase64.decode(text.dropFirst(5)) else {
            throw WebhookKeyError(.malformedPublicKey, "The part of the public key after whpk_ is not base64.")
        }
        return try checkedEd25519(bytes)
    }

    /// A Discord application public key as the developer portal shows it: 64 hex digits (32 bytes).
    public static func discordPublicKey(_ hex: String) throws(WebhookKeyError) -> Self {
        guard hex.utf8.count == 64, let bytes = SignatureHex.decode(hex[...]) else {
            throw WebhookKeyError(.malformedPublicKey, "A Discord public key must be 64 hex digits.")
        }
        return try checkedEd25519(bytes)
    }

    /// The configured `text` read the way a source of `kind` writes its keys: Slack, GitHub and Strait take the
    /// secret as text (``textSecret(_:)``), Discord a hex public key (``discordPublicKey(_:)``), Standard Webhooks
    /// `whsec_…` (``standardWebhooksSecret(_:)``) or `whpk_…` (``standardWebhooksPublicKey(_:)``).
    public static func parse(_ text: String, for kind: WebhookSourceKind) throws(WebhookKeyError) -> Self {
        switch kind {
        case .slack, .github, .strait:
            return try textSecret(text)
        case .discord:
            return try discordPublicKey(text)
        case .standardWebhooks:
            if text.hasPrefix("whpk_") { return try standardWebhooksPublicKey(text) }
            try refusePrivateKey(text)
            guard text.hasPrefix("whsec_") else {
                throw WebhookKeyError(
                    .malformedSecret,
                    "A Standard Webhooks key must start with whsec_ (secret) or whpk_ (public key)."
                )
            }
            return try standardWebhooksSecret(text)
        }
    }

    private static func refusePrivateKey(_ text: String) throws(WebhookKeyError) {
        guard !text.hasPrefix("whsk_") else {
            throw WebhookKeyError(
                .wrongKeyKind,
                "A whsk_ key is the sender's private signing key, which must stay with the sender; configure its "
                    + "whpk_ public key instead."
            )
        }
    }

    /// `.ed25519(bytes)` if `bytes` is a 32-byte public key swift-crypto accepts.
    static func checkedEd25519(_ bytes: [UInt8]) throws(WebhookKeyError) -> Self {
        guard bytes.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil else {
            throw WebhookKeyError(
                .malformedPublicKey,
                "An Ed25519 public key is 32 bytes; this one is \(bytes.count)."
            )
        }
        return .ed25519(bytes)
    }
}

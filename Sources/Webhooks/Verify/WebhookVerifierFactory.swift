/// Builds the verifier for a source kind, after checking that its keyring can work.
public enum WebhookVerifierFactory {
    /// The verifier for `kind` over `keyring`, accepting signed timestamps within `tolerance` of `now` (GitHub
    /// signs none and ignores it). Throws when ``validate(_:for:)`` does.
    public static func make(
        kind: WebhookSourceKind,
        keyring: WebhookKeyring,
        tolerance: Duration = .seconds(300)
    ) throws(WebhookKeyError) -> any WebhookVerifier {
        try validate(keyring, for: kind)
        switch kind {
        case .slack: return SlackSignatureVerifier(keyring: keyring, tolerance: tolerance)
        case .github: return GitHubSignatureVerifier(keyring: keyring)
        case .standardWebhooks: return StandardWebhooksVerifier(keyring: keyring, tolerance: tolerance)
        case .strait: return StraitSignatureVerifier(keyring: keyring, tolerance: tolerance)
        case .discord: return DiscordSignatureVerifier(keyring: keyring, tolerance: tolerance)
        }
    }

    /// Checks, at configuration time, what would otherwise only show as failed deliveries: the keyring is not
    /// empty; ids are non-empty and unique; no key's `notBefore` is after its `notAfter`; every key is of a kind
    /// `kind` uses (HMAC secrets for Slack, GitHub and Strait; Ed25519 keys for Discord; either for Standard
    /// Webhooks); secrets are non-empty; Ed25519 keys are 32 bytes.
    public static func validate(_ keyring: WebhookKeyring, for kind: WebhookSourceKind) throws(WebhookKeyError) {
        guard !keyring.keys.isEmpty else {
            throw WebhookKeyError(.emptyKeyring, "A \(kind.rawValue) source needs at least one key.")
        }
        var seen: Set<String> = []
        for key in keyring.keys {
            guard !key.id.isEmpty else { throw WebhookKeyError(.invalidKeyID, "A key has an empty id.") }
            guard seen.insert(key.id).inserted else {
                throw WebhookKeyError(.invalidKeyID, "The key id \(key.id) is used twice.")
            }
            if let notBefore = key.notBefore, let notAfter = key.notAfter, notBefore > notAfter {
                throw WebhookKeyError(.invalidValidity, "Key \(key.id) has not_before after not_after.")
            }
            switch (kind, key.material) {
            case (.slack, .secret(let bytes)), (.github, .secret(let bytes)), (.strait, .secret(let bytes)),
                (.standardWebhooks, .secret(let bytes)):
                guard !bytes.isEmpty else {
                    throw WebhookKeyError(.malformedSecret, "Key \(key.id) is an empty secret.")
                }
            case (.discord, .ed25519(let bytes)), (.standardWebhooks, .ed25519(let bytes)):
                do {
                    _ = try WebhookKey.Material.checkedEd25519(bytes)
                } catch {
                    throw WebhookKeyError(error.code, "Key \(key.id): \(error.message)")
                }
            case (.discord, .secret):
                throw WebhookKeyError(
                    .wrongKeyKind,
                    "Key \(key.id) is an HMAC secret; a discord source verifies with the application's Ed25519 public key."
                )
            case (.slack, .ed25519), (.github, .ed25519), (.strait, .ed25519):
                throw WebhookKeyError(
                    .wrongKeyKind,
                    "Key \(key.id) is an Ed25519 public key; a \(kind.rawValue) source verifies with an HMAC secret."
                )
            }
        }
    }
}

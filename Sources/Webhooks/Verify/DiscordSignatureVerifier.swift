/// Verifies Discord interaction requests: `X-Signature-Ed25519` is the hex Ed25519 signature of
/// `<X-Signature-Timestamp><raw body>` (no separator) under the application's public key, and the timestamp must
/// be within ``tolerance`` of `now`.
///
/// Discord deliberately sends badly signed requests when the endpoint is saved and expects them refused; they fail
/// here with `bad_signature`. Reports scheme ``scheme`` (`discord-ed25519`).
public struct DiscordSignatureVerifier: WebhookVerifier {
    /// The scheme name a successful verification reports.
    public static let scheme = "discord-ed25519"
    /// The signature header (128 hex digits).
    public static let signatureHeader = "X-Signature-Ed25519"
    /// The signed-timestamp header (unix seconds).
    public static let timestampHeader = "X-Signature-Timestamp"

    /// The application public keys, as ``WebhookKey/Material/ed25519(_:)`` keys (see
    /// ``WebhookKey/Material/discordPublicKey(_:)``).
    public var keyring: WebhookKeyring
    /// How far the signed timestamp may be from `now`, in either direction.
    public var tolerance: Duration

    /// A verifier for `keyring`, accepting timestamps within `tolerance` (default 5 minutes).
    public init(keyring: WebhookKeyring, tolerance: Duration = .seconds(300)) {
        self.keyring = keyring
        self.tolerance = tolerance
    }

    /// Checks the headers, then the timestamp window, then the signature under every active key.
    public func verify(
        _ delivery: WebhookDelivery,
        now unixSeconds: Int64
    ) throws(WebhookVerificationError)
        -> WebhookVerification
    {
        guard let signatureText = delivery.trimmedHeader(Self.signatureHeader), !signatureText.isEmpty else {
            throw WebhookVerificationError(.missingSignature, "The \(Self.signatureHeader) header is missing.")
        }
        let timestampText = delivery.trimmedHeader(Self.timestampHeader)
        let timestamp = try SignatureTimestamp.parse(timestampText, header: Self.timestampHeader)
        guard signatureText.utf8.count == 128, let signature = SignatureHex.decode(signatureText) else {
            throw WebhookVerificationError(
                .malformedSignature,
                "The \(Self.signatureHeader) header is not 128 hex digits."
            )
        }
        try SignatureTimestamp.check(timestamp, now: unixSeconds, tolerance: tolerance, header: Self.timestampHeader)
        let message = Array((timestampText ?? "").utf8) + delivery.body
        let match = try SignatureCandidate.firstMatch(
            [SignatureCandidate(kind: .ed25519, bytes: signature, scheme: Self.scheme)],
            message: message,
            keyring: keyring,
            now: unixSeconds
        )
        return WebhookVerification(keyID: match.key.id, signedTimestamp: timestamp, scheme: match.scheme)
    }
}

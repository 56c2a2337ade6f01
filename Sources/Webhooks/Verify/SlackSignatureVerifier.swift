/// Verifies Slack's request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256>` over `v0:<timestamp>:<raw body>`,
/// keyed with the app's signing secret, and `X-Slack-Request-Timestamp` within ``tolerance`` of `now`.
///
/// Reports scheme ``scheme`` (`slack-v0`). Another version (`v1=`) is `unknown_key_id`.
public struct SlackSignatureVerifier: WebhookVerifier {
    /// The scheme name a successful verification reports.
    public static let scheme = "slack-v0"
    /// The signature header.
    public static let signatureHeader = "X-Slack-Signature"
    /// The signed-timestamp header (unix seconds).
    public static let timestampHeader = "X-Slack-Request-Timestamp"

    /// The signing secrets, as ``WebhookKey/Material/secret(_:)`` keys (the UTF-8 bytes of the secret).
    public var keyring: WebhookKeyring
    /// How far the signed timestamp may be from `now`, in either direction.
    public var tolerance: Duration

    /// A verifier for `keyring`, accepting timestamps within `tolerance` (default 5 minutes, as Slack advises).
    public init(keyring: WebhookKeyring, tolerance: Duration = .seconds(300)) {
        self.keyring = keyring
        self.tolerance = tolerance
    }

    /// Checks the headers, then the timestamp window, then the HMAC under every active key.
    public func verify(
        _ delivery: WebhookDelivery,
        now unixSeconds: Int64
    ) throws(WebhookVerificationError)
        -> WebhookVerification
    {
        guard let signature = delivery.trimmedHeader(Self.signatureHeader), !signature.isEmpty else {
            throw WebhookVerificationError(.missingSignature, "The \(Self.signatureHeader) header is missing.")
        }
        let timestampText = delivery.trimmedHeader(Self.timestampHeader)
        let timestamp = try SignatureTimestamp.parse(timestampText, header: Self.timestampHeader)
        let mac = try PrefixedHexSignature.parse(
            signature,
            prefix: "v0",
            byteCount: 32,
            header: Self.signatureHeader,
            otherScheme: PrefixedHexSignature.isVersion
        )
        try SignatureTimestamp.check(timestamp, now: unixSeconds, tolerance: tolerance, header: Self.timestampHeader)
        let message = Array("v0:\(timestampText ?? ""):".utf8) + delivery.body
        let match = try SignatureCandidate.firstMatch(
            [SignatureCandidate(kind: .hmacSHA256, bytes: mac, scheme: Self.scheme)],
            message: message,
            keyring: keyring,
            now: unixSeconds
        )
        return WebhookVerification(keyID: match.key.id, signedTimestamp: timestamp, scheme: match.scheme)
    }
}

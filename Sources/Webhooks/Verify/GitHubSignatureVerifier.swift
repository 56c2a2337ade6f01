/// Verifies GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>` over the raw body, keyed
/// with the webhook's secret. GitHub signs no timestamp, so there is no replay window: the door deduplicates on
/// `X-GitHub-Delivery` instead.
///
/// Reports scheme ``scheme`` (`github-sha256`). A delivery carrying only the legacy SHA-1 `X-Hub-Signature`, or
/// another algorithm in `X-Hub-Signature-256`, is `unknown_key_id`.
public struct GitHubSignatureVerifier: WebhookVerifier {
    /// The scheme name a successful verification reports.
    public static let scheme = "github-sha256"
    /// The signature header.
    public static let signatureHeader = "X-Hub-Signature-256"
    /// GitHub's legacy SHA-1 signature header, which replayd does not accept.
    public static let legacySignatureHeader = "X-Hub-Signature"

    /// The webhook secrets, as ``WebhookKey/Material/secret(_:)`` keys (the UTF-8 bytes of the secret).
    public var keyring: WebhookKeyring

    /// A verifier for `keyring`.
    public init(keyring: WebhookKeyring) {
        self.keyring = keyring
    }

    /// Checks the header, then the HMAC under every active key.
    public func verify(
        _ delivery: WebhookDelivery,
        now unixSeconds: Int64
    ) throws(WebhookVerificationError)
        -> WebhookVerification
    {
        guard let signature = delivery.trimmedHeader(Self.signatureHeader), !signature.isEmpty else {
            if let legacy = delivery.trimmedHeader(Self.legacySignatureHeader), !legacy.isEmpty {
                throw WebhookVerificationError(
                    .unknownKeyID,
                    "Only the legacy SHA-1 \(Self.legacySignatureHeader) header was sent; replayd verifies \(Self.signatureHeader)."
                )
            }
            throw WebhookVerificationError(.missingSignature, "The \(Self.signatureHeader) header is missing.")
        }
        let mac = try PrefixedHexSignature.parse(
            signature,
            prefix: "sha256",
            byteCount: 32,
            header: Self.signatureHeader,
            otherScheme: Self.isAlgorithmName
        )
        let match = try SignatureCandidate.firstMatch(
            [SignatureCandidate(kind: .hmacSHA256, bytes: mac, scheme: Self.scheme)],
            message: delivery.body,
            keyring: keyring,
            now: unixSeconds
        )
        return WebhookVerification(keyID: match.key.id, signedTimestamp: nil, scheme: match.scheme)
    }

    /// `sha1`, `sha512` and the like: lowercase letters then digits.
    private static func isAlgorithmName(_ scheme: Substring) -> Bool {
        !scheme.isEmpty
            && scheme.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }
}

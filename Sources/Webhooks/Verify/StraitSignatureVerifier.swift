/// Verifies Strait's run notifications: `X-Strait-Signature: v1=<lowercase hex HMAC-SHA256>` over
/// `<X-Strait-Timestamp>.<raw body>`, keyed with the job's webhook secret, and the timestamp within ``tolerance``.
///
/// While Strait rotates its secret it also sends `X-Strait-Signature-Old` (the same scheme under the previous
/// secret); either signature may match. Strait sends the same value as `X-Webhook-Signature(-Old)` too; those
/// twins are used only when `X-Strait-Signature` is absent.
///
/// Reports scheme ``scheme`` (`strait-v1`). Another version (`v2=`) is `unknown_key_id`; uppercase hex is
/// `malformed_signature`, as in Strait's own receiver.
public struct StraitSignatureVerifier: WebhookVerifier {
    /// The scheme name a successful verification reports.
    public static let scheme = "strait-v1"
    /// The signature header.
    public static let signatureHeader = "X-Strait-Signature"
    /// The signature under Strait's previous secret, sent during its rotation grace period.
    public static let oldSignatureHeader = "X-Strait-Signature-Old"
    /// The twin of ``signatureHeader``, used when it is absent.
    public static let twinSignatureHeader = "X-Webhook-Signature"
    /// The twin of ``oldSignatureHeader``, used when ``signatureHeader`` is absent.
    public static let twinOldSignatureHeader = "X-Webhook-Signature-Old"
    /// The signed-timestamp header (unix seconds).
    public static let timestampHeader = "X-Strait-Timestamp"

    /// The webhook secrets, as ``WebhookKey/Material/secret(_:)`` keys (the UTF-8 bytes of the secret).
    public var keyring: WebhookKeyring
    /// How far the signed timestamp may be from `now`, in either direction.
    public var tolerance: Duration

    /// A verifier for `keyring`, accepting timestamps within `tolerance` (default 5 minutes).
    public init(keyring: WebhookKeyring, tolerance: Duration = .seconds(300)) {
        self.keyring = keyring
        self.tolerance = tolerance
    }

    /// Checks the headers, then the timestamp window, then both signatures under every active key.
    public func verify(
        _ delivery: WebhookDelivery,
        now unixSeconds: Int64
    ) throws(WebhookVerificationError)
        -> WebhookVerification
    {
        let names =
            delivery.header(Self.signatureHeader) != nil
            ? (current: Self.signatureHeader, old: Self.oldSignatureHeader)
            : (current: Self.twinSignatureHeader, old: Self.twinOldSignatureHeader)
        guard let current = delivery.trimmedHeader(names.current), !current.isEmpty else {
            throw WebhookVerificationError(
                .missingSignature,
                "The \(Self.signatureHeader) header (or its twin \(Self.twinSignatureHeader)) is missing."
            )
        }
        let timestampText = delivery.trimmedHeader(Self.timestampHeader)
        let timestamp = try SignatureTimestamp.parse(timestampText, header: Self.timestampHeader)

        var macs: [[UInt8]] = []
        var firstError: WebhookVerificationError?
        let values = [(names.current, current)] + (delivery.trimmedHeader(names.old).map { [(names.old, $0)] } ?? [])
        for (header, value) in values {
            do {
                macs.append(try parse(value, header: header))
            } catch {
                firstError = firstError ?? error
            }
        }
        if macs.isEmpty, let firstError { throw firstError }

        try SignatureTimestamp.check(timestamp, now: unixSeconds, tolerance: tolerance, header: Self.timestampHeader)
        let message = Array("\(timestampText ?? "").".utf8) + delivery.body
        let match = try SignatureCandidate.firstMatch(
            macs.map { SignatureCandidate(kind: .hmacSHA256, bytes: $0, scheme: Self.scheme) },
            message: message,
            keyring: keyring,
            now: unixSeconds
        )
        return WebhookVerification(keyID: match.key.id, signedTimestamp: timestamp, scheme: match.scheme)
    }

    private func parse(_ value: Substring, header: String) throws(WebhookVerificationError) -> [UInt8] {
        try PrefixedHexSignature.parse(
            value,
            prefix: "v1",
            byteCount: 32,
            header: header,
            lowercaseOnly: true,
            otherScheme: PrefixedHexSignature.isVersion
        )
    }
}

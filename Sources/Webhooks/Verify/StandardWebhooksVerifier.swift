/// Verifies [Standard Webhooks](https://www.standardwebhooks.com) signatures: `webhook-signature` is a
/// space-separated list of `v1,<base64 HMAC-SHA256>` and `v1a,<base64 Ed25519 signature>` entries over
/// `<webhook-id>.<webhook-timestamp>.<raw body>`; any one entry that an active key verifies is enough (senders list
/// two while they rotate). `webhook-timestamp` must be within ``tolerance`` of `now`.
///
/// One keyring serves both versions: ``WebhookKey/Material/secret(_:)`` keys (the base64-decoded part of
/// `whsec_…`) verify `v1`, ``WebhookKey/Material/ed25519(_:)`` keys (`whpk_…`) verify `v1a`. Entries of other
/// versions are skipped; if nothing else is left the delivery is `unknown_key_id`.
///
/// Reports scheme ``hmacScheme`` (`standard-webhooks-v1`) or ``ed25519Scheme`` (`standard-webhooks-v1a`).
public struct StandardWebhooksVerifier: WebhookVerifier {
    /// The scheme name a `v1` (HMAC) match reports.
    public static let hmacScheme = "standard-webhooks-v1"
    /// The scheme name a `v1a` (Ed25519) match reports.
    public static let ed25519Scheme = "standard-webhooks-v1a"
    /// The message id header; part of the signed content.
    public static let idHeader = "webhook-id"
    /// The signed-timestamp header (unix seconds).
    public static let timestampHeader = "webhook-timestamp"
    /// The signature list header.
    public static let signatureHeader = "webhook-signature"
    /// The most entries `webhook-signature` may hold; more is `malformed_signature` (each costs a check per key).
    public static let maximumSignatureCount = 10

    /// HMAC secrets and Ed25519 public keys.
    public var keyring: WebhookKeyring
    /// How far the signed timestamp may be from `now`, in either direction.
    public var tolerance: Duration

    /// A verifier for `keyring`, accepting timestamps within `tolerance` (default 5 minutes, as the reference
    /// libraries do).
    public init(keyring: WebhookKeyring, tolerance: Duration = .seconds(300)) {
        self.keyring = keyring
        self.tolerance = tolerance
    }

    /// Checks the headers, then the timestamp window, then every usable entry under every active key.
    public func verify(
        _ delivery: WebhookDelivery,
        now unixSeconds: Int64
    ) throws(WebhookVerificationError)
        -> WebhookVerification
    {
        guard let signatures = delivery.trimmedHeader(Self.signatureHeader), !signatures.isEmpty else {
            throw WebhookVerificationError(.missingSignature, "The \(Self.signatureHeader) header is missing.")
        }
        guard let id = delivery.trimmedHeader(Self.idHeader), !id.isEmpty else {
            throw WebhookVerificationError(
                .missingSignature,
                "The \(Self.idHeader) header, which the signature covers, is missing."
            )
        }
        let timestampText = delivery.trimmedHeader(Self.timestampHeader)
        let timestamp = try SignatureTimestamp.parse(timestampText, header: Self.timestampHeader)
        let candidates = try Self.candidates(signatures)
        try SignatureTimestamp.check(timestamp, now: unixSeconds, tolerance: tolerance, header: Self.timestampHeader)
        let message = Array("\(id).\(timestampText ?? "").".utf8) + delivery.body
        let match = try SignatureCandidate.firstMatch(
            candidates,
            message: message,
            keyring: keyring,
            now: unixSeconds
        )
        return WebhookVerification(keyID: match.key.id, signedTimestamp: timestamp, scheme: match.scheme)
    }

    /// The `v1` and `v1a` entries of `header`, decoded. Entries of unknown versions are skipped; a known version
    /// whose value is not base64 of the right length is malformed.
    private static func candidates(_ header: Substring) throws(WebhookVerificationError) -> [SignatureCandidate] {
        let entries = header.split(separator: " ", omittingEmptySubsequences: true)
        guard entries.count <= maximumSignatureCount else {
            throw WebhookVerificationError(
                .malformedSignature,
                "The \(signatureHeader) header lists more than \(maximumSignatureCount) signatures."
            )
        }
        var candidates: [SignatureCandidate] = []
        var sawOtherVersion = false
        for entry in entries {
            guard let comma = entry.firstIndex(of: ","), comma != entry.startIndex else {
                throw malformed("an entry is not <version>,<base64>")
            }
            let version = entry[..<comma]
            let encoded = entry[entry.index(after: comma)...]
            let kind: SignatureCandidate.KeyKind
            let scheme: String
            let length: Int
            switch version {
            case "v1":
                (kind, scheme, length) = (.hmacSHA256, hmacScheme, 32)
            case "v1a":
                (kind, scheme, length) = (.ed25519, ed25519Scheme, 64)
            default:
                guard isVersionName(version) else { throw malformed("an entry's version is not v<digits>[<letters>]") }
                sawOtherVersion = true
                continue
            }
            guard let bytes = SignatureBase64.decode(encoded), bytes.count == length else {
                throw malformed("a \(version) entry is not base64 of a \(length)-byte signature")
            }
            candidates.append(SignatureCandidate(kind: kind, bytes: bytes, scheme: scheme))
        }
        guard !candidates.isEmpty else {
            if sawOtherVersion {
                throw WebhookVerificationError(
                    .unknownKeyID,
                    "The \(signatureHeader) header has no v1 or v1a signature, only versions replayd does not verify."
                )
            }
            throw malformed("it lists no signatures")
        }
        return candidates
    }

    /// `v2`, `v1b` and the like: `v`, digits, then optional lowercase letters.
    private static func isVersionName(_ version: Substring) -> Bool {
        let utf8 = Array(version.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "v") else { return false }
        let rest = utf8.dropFirst()
        let digits = rest.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard !digits.isEmpty else { return false }
        return rest.dropFirst(digits.count).allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
    }

    private static func malformed(_ reason: String) -> WebhookVerificationError {
        WebhookVerificationError(.malformedSignature, "The \(signatureHeader) header is malformed: \(reason).")
    }
}

import Crypto

/// One well-formed signature taken from a delivery's headers, with the kind of key that can verify it.
struct SignatureCandidate: Sendable {
    /// The kind of key a signature needs.
    enum KeyKind: Sendable, Hashable {
        /// HMAC-SHA256 under a ``WebhookKey/Material/secret(_:)`` key.
        case hmacSHA256
        /// Ed25519 under a ``WebhookKey/Material/ed25519(_:)`` public key.
        case ed25519

        /// Words for messages.
        var name: String {
            switch self {
            case .hmacSHA256: "HMAC secret"
            case .ed25519: "Ed25519 public key"
            }
        }

        /// Whether `material` is this kind of key.
        func fits(_ material: WebhookKey.Material) -> Bool {
            switch (self, material) {
            case (.hmacSHA256, .secret), (.ed25519, .ed25519): true
            default: false
            }
        }
    }

    /// The kind of key that verifies it.
    var kind: KeyKind
    /// The decoded signature bytes.
    var bytes: [UInt8]
    /// The scheme name a match reports.
    var scheme: String

    /// The first (key, candidate) pair, in keyring order, whose key is active at `now` and verifies the candidate
    /// over `message`. Comparisons are constant time (swift-crypto).
    ///
    /// Throws `unknown_key_id` when the keyring has no key of any kind the candidates need, `no_active_key` when
    /// it has some but none is active at `now`, and `bad_signature` when active keys exist and none verifies.
    static func firstMatch(
        _ candidates: [SignatureCandidate],
        message: [UInt8],
        keyring: WebhookKeyring,
        now: Int64
    ) throws(WebhookVerificationError) -> (key: WebhookKey, scheme: String) {
        let kinds = Set(candidates.map(\.kind))
        let usable = keyring.keys.filter { key in kinds.contains { $0.fits(key.material) } }
        let kindNames = kinds.map(\.name).sorted().joined(separator: " or ")
        guard !usable.isEmpty else {
            throw WebhookVerificationError(
                .unknownKeyID,
                "The signature needs an \(kindNames), and the keyring has none."
            )
        }
        let active = usable.filter { $0.isActive(at: now) }
        guard !active.isEmpty else {
            throw WebhookVerificationError(
                .noActiveKey,
                "Every \(kindNames) in the keyring (\(names(usable))) is outside its not_before/not_after window."
            )
        }
        for key in active {
            for candidate in candidates where candidate.kind.fits(key.material) {
                if candidate.isValid(under: key.material, message: message) {
                    return (key, candidate.scheme)
                }
            }
        }
        throw WebhookVerificationError(
            .badSignature,
            "No active key (\(names(active))) verifies the signature."
        )
    }

    private static func names(_ keys: [WebhookKey]) -> String {
        keys.map(\.id).joined(separator: ", ")
    }

    private func isValid(under material: WebhookKey.Material, message: [UInt8]) -> Bool {
        switch material {
        case .secret(let secret):
            guard kind == .hmacSHA256, bytes.count == SHA256.byteCount else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(
                bytes,
                authenticating: message,
                using: SymmetricKey(data: secret)
            )
        case .ed25519(let raw):
            guard kind == .ed25519, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                return false
            }
            return publicKey.isValidSignature(bytes, for: message)
        }
    }
}

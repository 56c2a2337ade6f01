import Testing
import Webhooks

struct DiscordSignatureVerifierTests {
    private let now = SignedScheme.now
    private let scheme = SignedScheme.discord

    /// Discord probes a newly saved endpoint with a deliberately wrong signature and expects it refused.
    @Test func discordsDeliberatelyBadProbeIsABadSignature() async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("app", openssl: openssl)
        let probe = scheme.delivery(
            body: Array(#"{"type":1}"#.utf8),
            timestamp: String(now),
            signature: TestEncoding.hex(TestEncoding.randomBytes(64))
        )
        expectFailure(.badSignature) { try scheme.verifier([key]).verify(probe, now: now) }
    }

    @Test func theSignatureMustBe128HexDigits() async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("app", openssl: openssl)
        let verifier = try scheme.verifier([key])
        let hex = TestEncoding.hex(TestEncoding.randomBytes(64))
        for value in [String(hex.dropLast(2)), hex + "00", String(hex.dropLast()) + "z", "v1=" + hex] {
            let delivery = scheme.delivery(body: [], timestamp: String(now), signature: value)
            expectFailure(.malformedSignature, "\(value.prefix(8))") { try verifier.verify(delivery, now: now) }
        }
    }

    @Test func anHMACOnlyKeyringHasNoKeyForEd25519() async throws {
        let openssl = try OpenSSL()
        let signer = try await scheme.makeKey("app", openssl: openssl)
        let delivery = try await scheme.delivery(body: scheme.sampleBody, key: signer, openssl: openssl)
        let secret = WebhookKey(id: "secret", material: .secret(Array("not-an-ed25519-key".utf8)))
        let verifier = DiscordSignatureVerifier(keyring: WebhookKeyring(keys: [secret]))
        expectFailure(.unknownKeyID) { try verifier.verify(delivery, now: now) }
    }

    @Test func theTimestampIsPartOfTheSignedBytes() async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("app", openssl: openssl)
        let signature = try await openssl.signEd25519(scheme.sampleBody, with: try #require(key.pair))
        let delivery = scheme.delivery(
            body: scheme.sampleBody,
            timestamp: String(now),
            signature: TestEncoding.hex(signature)
        )
        expectFailure(.badSignature) { try scheme.verifier([key]).verify(delivery, now: now) }
    }
}

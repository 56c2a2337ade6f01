import Testing
import Webhooks

struct GitHubSignatureVerifierTests {
    /// The example in GitHub's "Validating webhook deliveries" guide.
    @Test func githubsPublishedExampleVerifies() throws {
        let delivery = WebhookDelivery(
            headers: [
                ("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
            ],
            body: Array("Hello, World!".utf8)
        )
        let key = WebhookKey(id: "gh", material: try .textSecret("It's a Secret to Everybody"))
        let verification = try GitHubSignatureVerifier(keyring: WebhookKeyring(keys: [key])).verify(delivery, now: 0)
        #expect(verification == WebhookVerification(keyID: "gh", signedTimestamp: nil, scheme: "github-sha256"))
    }

    @Test func thereIsNoTimestampSoAnyNowVerifies() async throws {
        let openssl = try OpenSSL()
        let key = try await SignedScheme.github.makeKey("gh", openssl: openssl)
        let delivery = try await SignedScheme.github.delivery(
            body: SignedScheme.github.sampleBody,
            key: key,
            openssl: openssl
        )
        let verifier = try SignedScheme.github.verifier([key])
        for now: Int64 in [0, SignedScheme.now - 86_400 * 365, SignedScheme.now + 86_400 * 365] {
            #expect(try verifier.verify(delivery, now: now).keyID == "gh")
        }
    }

    @Test func onlyTheLegacySHA1HeaderIsAnUnknownKeyID() async throws {
        let openssl = try OpenSSL()
        let key = try await SignedScheme.github.makeKey("gh", openssl: openssl)
        let delivery = WebhookDelivery(
            headers: [("X-Hub-Signature", "sha1=\(String(repeating: "ab", count: 20))")],
            body: SignedScheme.github.sampleBody
        )
        expectFailure(.unknownKeyID) { try SignedScheme.github.verifier([key]).verify(delivery, now: 0) }
    }

    @Test func theLegacyHeaderBesideTheSHA256OneIsIgnored() async throws {
        let openssl = try OpenSSL()
        let key = try await SignedScheme.github.makeKey("gh", openssl: openssl)
        var delivery = try await SignedScheme.github.delivery(
            body: SignedScheme.github.sampleBody,
            key: key,
            openssl: openssl
        )
        delivery.headers.append(("X-Hub-Signature", "sha1=\(String(repeating: "ab", count: 20))"))
        #expect(try SignedScheme.github.verifier([key]).verify(delivery, now: 0).keyID == "gh")
    }

    @Test func signaturesNotInTheSHA256FormAreMalformed() async throws {
        let openssl = try OpenSSL()
        let key = try await SignedScheme.github.makeKey("gh", openssl: openssl)
        let verifier = try SignedScheme.github.verifier([key])
        let hex = String(repeating: "0f", count: 32)
        for value in [hex, "sha256:\(hex)", "sha256=\(hex.dropLast(2))", "SHA256=\(hex)", "sha-256=\(hex)"] {
            let delivery = WebhookDelivery(headers: [("X-Hub-Signature-256", value)], body: [])
            expectFailure(.malformedSignature, "\(value)") { try verifier.verify(delivery, now: 0) }
        }
    }
}

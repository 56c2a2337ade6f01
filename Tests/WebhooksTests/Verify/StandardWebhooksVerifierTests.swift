import Testing
import Webhooks

struct StandardWebhooksVerifierTests {
    private let now = SignedScheme.now

    /// The test vector the Standard Webhooks reference libraries share.
    @Test func theReferenceLibrariesTestVectorVerifies() throws {
        let delivery = WebhookDelivery(
            headers: [
                ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
                ("webhook-timestamp", "1614265330"),
                ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
            ],
            body: Array(#"{"test": 2432232314}"#.utf8)
        )
        let key = WebhookKey(
            id: "svix",
            material: try .standardWebhooksSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        )
        let verification = try StandardWebhooksVerifier(keyring: WebhookKeyring(keys: [key]))
            .verify(delivery, now: 1_614_265_330)
        #expect(
            verification
                == WebhookVerification(keyID: "svix", signedTimestamp: 1_614_265_330, scheme: "standard-webhooks-v1")
        )
    }

    @Test func anyOneMatchingEntryOfTheListIsEnough() async throws {
        let openssl = try OpenSSL()
        let scheme = SignedScheme.standardWebhooksHMAC
        let key = try await scheme.makeKey("current", openssl: openssl)
        let other = try await scheme.makeKey("elsewhere", openssl: openssl)
        let good = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: key,
            openssl: openssl
        )
        let foreign = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: other,
            openssl: openssl
        )
        let future = "v2,\(TestEncoding.base64(TestEncoding.randomBytes(48)))"
        for header in [
            "\(foreign) \(good)", "\(good) \(foreign)", "\(future)  \(good) ", "\(foreign) \(future) \(good)",
        ] {
            let delivery = scheme.delivery(body: scheme.sampleBody, timestamp: String(now), signature: header)
            #expect(try scheme.verifier([key]).verify(delivery, now: now).keyID == "current", "\(header)")
        }
    }

    @Test func oneKeyringVerifiesBothHMACAndEd25519Entries() async throws {
        let openssl = try OpenSSL()
        let secret = try await SignedScheme.standardWebhooksHMAC.makeKey("hmac", openssl: openssl)
        let ed25519 = try await SignedScheme.standardWebhooksEd25519.makeKey("ed25519", openssl: openssl)
        let verifier = try SignedScheme.standardWebhooksHMAC.verifier([secret, ed25519])
        for (scheme, key) in [(SignedScheme.standardWebhooksHMAC, secret), (.standardWebhooksEd25519, ed25519)] {
            let delivery = try await scheme.delivery(body: scheme.sampleBody, key: key, openssl: openssl)
            let verification = try verifier.verify(delivery, now: now)
            #expect(verification.keyID == key.key.id)
            #expect(verification.scheme == scheme.schemeName)
        }
    }

    @Test func aV1aSignatureWithOnlySecretsConfiguredIsAnUnknownKeyID() async throws {
        let openssl = try OpenSSL()
        let signer = try await SignedScheme.standardWebhooksEd25519.makeKey("ed25519", openssl: openssl)
        let secret = try await SignedScheme.standardWebhooksHMAC.makeKey("hmac", openssl: openssl)
        let delivery = try await SignedScheme.standardWebhooksEd25519.delivery(
            body: SignedScheme.standardWebhooksEd25519.sampleBody,
            key: signer,
            openssl: openssl
        )
        expectFailure(.unknownKeyID) {
            try SignedScheme.standardWebhooksHMAC.verifier([secret]).verify(delivery, now: now)
        }
    }

    @Test func malformedSignatureListsAreRefused() async throws {
        let openssl = try OpenSSL()
        let scheme = SignedScheme.standardWebhooksHMAC
        let key = try await scheme.makeKey("current", openssl: openssl)
        let verifier = try scheme.verifier([key])
        let mac = TestEncoding.base64(TestEncoding.randomBytes(32))
        let tooMany = Array(repeating: "v1,\(mac)", count: StandardWebhooksVerifier.maximumSignatureCount + 1)
        let cases = [
            "v1=\(mac)",
            ",\(mac)",
            "v1,",
            "v1,not*base64",
            "v1,\(TestEncoding.base64(TestEncoding.randomBytes(31)))",
            "v1a,\(mac)",
            "version1,\(mac)",
            "   ",
            tooMany.joined(separator: " "),
        ]
        for value in cases {
            let delivery = scheme.delivery(body: scheme.sampleBody, timestamp: String(now), signature: value)
            let expected: WebhookVerificationError.Code =
                value.allSatisfy { $0 == " " } ? .missingSignature : .malformedSignature
            expectFailure(expected, "\(value.prefix(40))") { try verifier.verify(delivery, now: now) }
        }
    }

    @Test func withoutWebhookIDTheSignatureIsMissing() async throws {
        let openssl = try OpenSSL()
        let scheme = SignedScheme.standardWebhooksHMAC
        let key = try await scheme.makeKey("current", openssl: openssl)
        var delivery = try await scheme.delivery(body: scheme.sampleBody, key: key, openssl: openssl)
        delivery.headers.removeAll { $0.name == "webhook-id" }
        expectFailure(.missingSignature) { try scheme.verifier([key]).verify(delivery, now: now) }
    }

    @Test func theWebhookIDIsSigned() async throws {
        let openssl = try OpenSSL()
        let scheme = SignedScheme.standardWebhooksEd25519
        let key = try await scheme.makeKey("current", openssl: openssl)
        var delivery = try await scheme.delivery(body: scheme.sampleBody, key: key, openssl: openssl)
        delivery.headers = delivery.headers.map { $0.name == "webhook-id" ? ($0.name, "msg_other") : $0 }
        expectFailure(.badSignature) { try scheme.verifier([key]).verify(delivery, now: now) }
    }
}

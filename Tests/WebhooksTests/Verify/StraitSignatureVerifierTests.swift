import Testing
import Webhooks

struct StraitSignatureVerifierTests {
    private let now = SignedScheme.now
    private let scheme = SignedScheme.strait

    /// Strait rotating its secret: the new secret signs `X-Strait-Signature`, the previous one
    /// `X-Strait-Signature-Old`. A receiver that still has only the previous secret verifies through the old header.
    @Test func theOldSignatureHeaderVerifiesDuringStraitsRotation() async throws {
        let openssl = try OpenSSL()
        let previous = try await scheme.makeKey("previous", openssl: openssl)
        let next = try await scheme.makeKey("next", openssl: openssl)
        let current = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: next,
            openssl: openssl
        )
        let old = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: previous,
            openssl: openssl
        )
        var delivery = scheme.delivery(body: scheme.sampleBody, timestamp: String(now), signature: current)
        delivery.headers.append(("X-Strait-Signature-Old", old))

        #expect(try scheme.verifier([previous]).verify(delivery, now: now).keyID == "previous")
        #expect(try scheme.verifier([next]).verify(delivery, now: now).keyID == "next")
        #expect(try scheme.verifier([previous, next]).verify(delivery, now: now).keyID == "previous")
        let stranger = try await scheme.makeKey("stranger", openssl: openssl)
        expectFailure(.badSignature) { try scheme.verifier([stranger]).verify(delivery, now: now) }
    }

    @Test func theTwinHeadersAreUsedWhenXStraitSignatureIsAbsent() async throws {
        let openssl = try OpenSSL()
        let previous = try await scheme.makeKey("previous", openssl: openssl)
        let next = try await scheme.makeKey("next", openssl: openssl)
        let current = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: next,
            openssl: openssl
        )
        let old = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: previous,
            openssl: openssl
        )
        let delivery = WebhookDelivery(
            headers: [
                ("X-Strait-Timestamp", String(now)), ("X-Webhook-Signature", current), ("X-Webhook-Signature-Old", old),
            ],
            body: scheme.sampleBody
        )
        #expect(try scheme.verifier([next]).verify(delivery, now: now).keyID == "next")
        #expect(try scheme.verifier([previous]).verify(delivery, now: now).keyID == "previous")
    }

    @Test func theTwinIsIgnoredWhenXStraitSignatureIsPresent() async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("key", openssl: openssl)
        let good = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: key,
            openssl: openssl
        )
        let bad = "v1=\(String(repeating: "00", count: 32))"
        let delivery = WebhookDelivery(
            headers: [("X-Strait-Timestamp", String(now)), ("X-Strait-Signature", bad), ("X-Webhook-Signature", good)],
            body: scheme.sampleBody
        )
        expectFailure(.badSignature) { try scheme.verifier([key]).verify(delivery, now: now) }
    }

    @Test func uppercaseHexIsMalformedAsInStraitsOwnReceiver() async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("key", openssl: openssl)
        let good = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: key,
            openssl: openssl
        )
        let upper = "v1=" + good.dropFirst(3).uppercased()
        #expect(upper != good)
        let delivery = scheme.delivery(body: scheme.sampleBody, timestamp: String(now), signature: upper)
        expectFailure(.malformedSignature) { try scheme.verifier([key]).verify(delivery, now: now) }
    }

    @Test func aMalformedOldHeaderDoesNotHideAGoodCurrentOne() async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("key", openssl: openssl)
        var delivery = try await scheme.delivery(body: scheme.sampleBody, key: key, openssl: openssl)
        delivery.headers.append(("X-Strait-Signature-Old", "garbage"))
        #expect(try scheme.verifier([key]).verify(delivery, now: now).keyID == "key")
    }

    @Test func theSHA256BodyOnlySignatureIsNotAccepted() async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("key", openssl: openssl)
        let mac = try await openssl.hmacSHA256(key: try #require(key.secret), message: scheme.sampleBody)
        let delivery = WebhookDelivery(
            headers: [
                ("X-Strait-Timestamp", String(now)), ("X-Strait-Signature-256", "sha256=\(TestEncoding.hex(mac))"),
            ],
            body: scheme.sampleBody
        )
        expectFailure(.missingSignature) { try scheme.verifier([key]).verify(delivery, now: now) }
    }
}

import Testing
import Webhooks

/// Properties every scheme has: what openssl signs verifies; any tampering is refused with its own code; keys
/// rotate. Each test runs once per scheme.
struct SignatureSchemeTests {
    private let now = SignedScheme.now

    @Test(arguments: SignedScheme.allCases)
    func aDeliverySignedByOpenSSLVerifies(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let delivery = try await scheme.delivery(body: scheme.sampleBody, key: key, openssl: openssl)

        let verification = try scheme.verifier([key]).verify(delivery, now: now)

        #expect(verification.keyID == "primary")
        #expect(verification.scheme == scheme.schemeName)
        #expect(verification.signedTimestamp == (scheme.signsTimestamp ? now : nil))
    }

    @Test(arguments: SignedScheme.allCases)
    func anEmptyBodyVerifies(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let delivery = try await scheme.delivery(body: [], key: key, openssl: openssl)
        #expect(try scheme.verifier([key]).verify(delivery, now: now).keyID == "primary")
    }

    @Test(arguments: SignedScheme.allCases)
    func changingOneBodyByteIsABadSignature(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let original = try await scheme.delivery(body: scheme.sampleBody, key: key, openssl: openssl)
        let verifier = try scheme.verifier([key])
        let count = original.body.count
        for index in [0, count / 2, count - 1] {
            var tampered = original
            tampered.body[index] ^= 0x01
            expectFailure(.badSignature, "byte \(index)") { try verifier.verify(tampered, now: now) }
        }
        var appended = original
        appended.body.append(UInt8(ascii: " "))
        expectFailure(.badSignature) { try verifier.verify(appended, now: now) }
        var truncated = original
        truncated.body.removeLast()
        expectFailure(.badSignature) { try verifier.verify(truncated, now: now) }
    }

    @Test(arguments: SignedScheme.allCases)
    func aSignatureUnderAnotherKeyIsABadSignature(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let signer = try await scheme.makeKey("attacker", openssl: openssl)
        let configured = try await scheme.makeKey("configured", openssl: openssl)
        let delivery = try await scheme.delivery(body: scheme.sampleBody, key: signer, openssl: openssl)
        expectFailure(.badSignature) { try scheme.verifier([configured]).verify(delivery, now: now) }
    }

    @Test(arguments: SignedScheme.allCases.filter(\.signsTimestamp))
    func aTimestampOutsideTheToleranceIsStaleInBothDirections(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let verifier = try scheme.verifier([key], tolerance: .seconds(300))
        for offset: Int64 in [-301, 301, -86_400, 86_400] {
            let delivery = try await scheme.delivery(
                body: scheme.sampleBody,
                timestamp: now + offset,
                key: key,
                openssl: openssl
            )
            expectFailure(.staleTimestamp, "offset \(offset)") { try verifier.verify(delivery, now: now) }
        }
        for offset: Int64 in [-300, 300] {
            let delivery = try await scheme.delivery(
                body: scheme.sampleBody,
                timestamp: now + offset,
                key: key,
                openssl: openssl
            )
            #expect(try verifier.verify(delivery, now: now).signedTimestamp == now + offset, "offset \(offset)")
        }
    }

    @Test(arguments: SignedScheme.allCases.filter(\.signsTimestamp))
    func theToleranceIsConfigurable(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let delivery = try await scheme.delivery(
            body: scheme.sampleBody,
            timestamp: now - 60,
            key: key,
            openssl: openssl
        )
        expectFailure(.staleTimestamp) {
            try scheme.verifier([key], tolerance: .seconds(30)).verify(delivery, now: now)
        }
        #expect(try scheme.verifier([key], tolerance: .seconds(60)).verify(delivery, now: now).keyID == "primary")
    }

    @Test(arguments: SignedScheme.allCases.filter(\.signsTimestamp))
    func changingTheTimestampHeaderIsABadSignature(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let signature = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: key,
            openssl: openssl
        )
        let moved = scheme.delivery(body: scheme.sampleBody, timestamp: String(now + 1), signature: signature)
        expectFailure(.badSignature) { try scheme.verifier([key]).verify(moved, now: now) }
    }

    @Test(arguments: SignedScheme.allCases)
    func withoutTheSignatureHeaderTheSignatureIsMissing(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let unsigned = scheme.delivery(body: scheme.sampleBody, timestamp: String(now), signature: nil)
        expectFailure(.missingSignature) { try scheme.verifier([key]).verify(unsigned, now: now) }
        let empty = scheme.delivery(body: scheme.sampleBody, timestamp: String(now), signature: "")
        expectFailure(.missingSignature) { try scheme.verifier([key]).verify(empty, now: now) }
    }

    @Test(arguments: SignedScheme.allCases.filter(\.signsTimestamp))
    func withoutTheTimestampHeaderTheTimestampIsMissing(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let signature = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: key,
            openssl: openssl
        )
        let delivery = scheme.delivery(body: scheme.sampleBody, timestamp: nil, signature: signature)
        expectFailure(.missingTimestamp) { try scheme.verifier([key]).verify(delivery, now: now) }
    }

    @Test(arguments: SignedScheme.allCases.filter(\.signsTimestamp))
    func aTimestampThatIsNotUnixSecondsIsMalformed(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let verifier = try scheme.verifier([key])
        for text in [
            "17000000OO", "-1700000000", "+1700000000", "1.7e9", "2023-11-14T22:13:20Z", "99999999999999999999",
        ] {
            let signature = try await scheme.signatureValue(
                body: scheme.sampleBody,
                timestamp: text,
                key: key,
                openssl: openssl
            )
            let delivery = scheme.delivery(body: scheme.sampleBody, timestamp: text, signature: signature)
            expectFailure(.malformedTimestamp, "\(text)") { try verifier.verify(delivery, now: now) }
        }
    }

    @Test(arguments: SignedScheme.allCases.filter { $0 != .discord })
    func aSchemeVersionTheKeyringDoesNotHaveIsAnUnknownKeyID(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let delivery = scheme.delivery(
            body: scheme.sampleBody,
            timestamp: String(now),
            signature: scheme.unknownVersionSignature
        )
        expectFailure(.unknownKeyID) { try scheme.verifier([key]).verify(delivery, now: now) }
    }

    @Test(arguments: SignedScheme.allCases)
    func headerNamesMatchInAnyCase(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        var delivery = try await scheme.delivery(body: scheme.sampleBody, key: key, openssl: openssl)
        delivery.headers = delivery.headers.map { (name: $0.name.uppercased(), value: $0.value) }
        #expect(try scheme.verifier([key]).verify(delivery, now: now).keyID == "primary")
    }

    /// Rotation: while the windows overlap both keys verify and the result names the one that matched; after the
    /// old key's `not_after` its signatures fail, and a keyring whose only key has expired has no active key.
    @Test(arguments: SignedScheme.allCases)
    func overlappingKeysBothVerifyUntilTheOldOneExpires(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let old = try await scheme.makeKey("2024-old", openssl: openssl).valid(from: nil, until: now + 100)
        let new = try await scheme.makeKey("2025-new", openssl: openssl).valid(from: now - 100, until: nil)
        let verifier = try scheme.verifier([old, new])

        let signedByOld = try await scheme.delivery(body: scheme.sampleBody, key: old, openssl: openssl)
        let signedByNew = try await scheme.delivery(body: scheme.sampleBody, key: new, openssl: openssl)
        #expect(try verifier.verify(signedByOld, now: now).keyID == "2024-old")
        #expect(try verifier.verify(signedByNew, now: now).keyID == "2025-new")
        #expect(try verifier.verify(signedByOld, now: now + 100).keyID == "2024-old")

        expectFailure(.badSignature) { try verifier.verify(signedByOld, now: now + 101) }
        #expect(try verifier.verify(signedByNew, now: now + 101).keyID == "2025-new")

        let onlyOld = try scheme.verifier([old])
        expectFailure(.noActiveKey) { try onlyOld.verify(signedByOld, now: now + 101) }
        let onlyNew = try scheme.verifier([new])
        expectFailure(.noActiveKey) { try onlyNew.verify(signedByNew, now: now - 101) }
    }

    @Test(arguments: SignedScheme.allCases)
    func errorMessagesNeverContainTheSignature(_ scheme: SignedScheme) async throws {
        let openssl = try OpenSSL()
        let key = try await scheme.makeKey("primary", openssl: openssl)
        let other = try await scheme.makeKey("other", openssl: openssl)
        let signature = try await scheme.signatureValue(
            body: scheme.sampleBody,
            timestamp: String(now),
            key: key,
            openssl: openssl
        )
        let separated = signature.contains { $0 == "=" || $0 == "," }
        let payload = separated ? String(signature.drop { $0 != "=" && $0 != "," }.dropFirst()) : signature
        #expect(payload.count >= 40)
        let bad = scheme.delivery(body: scheme.sampleBody, timestamp: String(now), signature: signature)
        let truncated = scheme.delivery(
            body: scheme.sampleBody,
            timestamp: String(now),
            signature: String(signature.dropLast(2))
        )
        let verifier = try scheme.verifier([other])
        for delivery in [bad, truncated] {
            do {
                _ = try verifier.verify(delivery, now: now)
                Issue.record("verified under the wrong key")
            } catch {
                #expect(!error.message.contains(payload.prefix(16)))
                #expect(!error.description.contains(payload.prefix(16)))
            }
        }
    }
}

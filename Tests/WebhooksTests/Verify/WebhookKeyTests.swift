import Testing
import Webhooks

struct WebhookKeyTests {
    @Test func validityBoundsAreInclusive() {
        let key = WebhookKey(id: "k", material: .secret([1]), notBefore: 100, notAfter: 200)
        #expect(!key.isActive(at: 99))
        #expect(key.isActive(at: 100))
        #expect(key.isActive(at: 200))
        #expect(!key.isActive(at: 201))
        #expect(WebhookKey(id: "open", material: .secret([1])).isActive(at: .min))
        #expect(WebhookKey(id: "open", material: .secret([1])).isActive(at: .max))
    }

    @Test func theKeyringListsActiveKeysInOrder() {
        let keyring = WebhookKeyring(keys: [
            WebhookKey(id: "old", material: .secret([1]), notAfter: 150),
            WebhookKey(id: "new", material: .secret([2]), notBefore: 100),
            WebhookKey(id: "later", material: .secret([3]), notBefore: 300),
        ])
        #expect(keyring.active(at: 50).map(\.id) == ["old"])
        #expect(keyring.active(at: 120).map(\.id) == ["old", "new"])
        #expect(keyring.active(at: 200).map(\.id) == ["new"])
        #expect(keyring.active(at: 300).map(\.id) == ["new", "later"])
    }

    @Test func keyMaterialNeverAppearsInDescriptionsOrDumps() throws {
        let secretText = "s3cr3t-SIGNING-value-0123456789"
        let key = WebhookKey(id: "slack-2025", material: try .textSecret(secretText), notBefore: 1, notAfter: 2)
        let keyring = WebhookKeyring(keys: [key])
        let verifier = SlackSignatureVerifier(keyring: keyring)
        var dumped = ""
        dump(verifier, to: &dumped)
        let renderings = [
            String(describing: key), String(reflecting: key), String(describing: key.material),
            String(reflecting: key.material), String(describing: keyring), String(reflecting: keyring),
            String(describing: verifier), String(reflecting: verifier), dumped,
        ]
        let secretBytes = Array(secretText.utf8).map(String.init).joined(separator: ", ")
        for rendering in renderings {
            #expect(!rendering.contains(secretText))
            #expect(!rendering.contains(secretBytes))
            #expect(!rendering.contains("115, 51, 99"))
        }
        #expect(String(describing: key) == "WebhookKey(id: slack-2025, secret(31 bytes, redacted), valid: 1...2)")
    }

    @Test func textSecretsAreTheirUTF8Bytes() throws {
        #expect(try WebhookKey.Material.textSecret("abc") == .secret([97, 98, 99]))
        for bad in ["", " abc", "abc\n", "abc\r\n", "\tabc"] {
            #expect(throws: WebhookKeyError.self) { try WebhookKey.Material.textSecret(bad) }
        }
        let error = try #require(throws: WebhookKeyError.self) { try WebhookKey.Material.textSecret("hunter2\n") }
        #expect(error.code == .malformedSecret)
        #expect(!error.message.contains("hunter2"))
    }

    @Test func standardWebhooksSecretsDecodeTheirBase64() throws {
        let bytes = TestEncoding.randomBytes(32)
        #expect(try WebhookKey.Material.standardWebhooksSecret("whsec_\(TestEncoding.base64(bytes))") == .secret(bytes))
        let unpadded = String(TestEncoding.base64(bytes).prefix { $0 != "=" })
        #expect(try WebhookKey.Material.standardWebhooksSecret("whsec_\(unpadded)") == .secret(bytes))
    }

    @Test(arguments: [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookKeyError.Code.malformedSecret),
        ("whsec_", .malformedSecret),
        ("whsec_not base64!", .malformedSecret),
        ("whsec_AAECAwQFBgcICQoLDA0ODw=", .malformedSecret),
        ("whsec_AAECAwQFBgcICQ==", .malformedSecret),
        ("whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", .wrongKeyKind),
        ("whpk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", .wrongKeyKind),
    ])
    func malformedStandardWebhooksSecretsAreRefusedWithoutEchoingThem(
        _ text: String,
        _ expected: WebhookKeyError.Code
    ) throws {
        let error = try #require(throws: WebhookKeyError.self) {
            try WebhookKey.Material.standardWebhooksSecret(text)
        }
        #expect(error.code == expected)
        let secretPart = text.drop { $0 != "_" }.dropFirst()
        if secretPart.count >= 4 { #expect(!error.message.contains(secretPart)) }
    }

    @Test func standardWebhooksPublicKeysAre32Bytes() async throws {
        let openssl = try OpenSSL()
        let pair = try await openssl.generateEd25519()
        let material = try WebhookKey.Material.standardWebhooksPublicKey("whpk_\(TestEncoding.base64(pair.publicKey))")
        #expect(material == .ed25519(pair.publicKey))
        for (text, expected) in [
            ("whpk_\(TestEncoding.base64(Array(pair.publicKey.dropLast())))", WebhookKeyError.Code.malformedPublicKey),
            ("whpk_%%%", .malformedPublicKey),
            (TestEncoding.base64(pair.publicKey), .malformedPublicKey),
            ("whsec_\(TestEncoding.base64(pair.publicKey))", .wrongKeyKind),
            ("whsk_\(TestEncoding.base64(pair.publicKey))", .wrongKeyKind),
        ] {
            let error = try #require(throws: WebhookKeyError.self) {
                try WebhookKey.Material.standardWebhooksPublicKey(text)
            }
            #expect(error.code == expected, "\(text)")
        }
    }

    @Test func discordPublicKeysAre64HexDigits() async throws {
        let openssl = try OpenSSL()
        let pair = try await openssl.generateEd25519()
        let hex = TestEncoding.hex(pair.publicKey)
        #expect(try WebhookKey.Material.discordPublicKey(hex) == .ed25519(pair.publicKey))
        #expect(try WebhookKey.Material.discordPublicKey(hex.uppercased()) == .ed25519(pair.publicKey))
        for bad in [String(hex.dropLast(2)), hex + "00", String(hex.dropLast()) + "x", ""] {
            let error = try #require(throws: WebhookKeyError.self) { try WebhookKey.Material.discordPublicKey(bad) }
            #expect(error.code == .malformedPublicKey)
        }
    }

    @Test func parseReadsEachKindTheWayItsSenderWritesKeys() async throws {
        let bytes = TestEncoding.randomBytes(32)
        let hex = TestEncoding.hex(bytes)
        #expect(try WebhookKey.Material.parse(hex, for: .slack) == .secret(Array(hex.utf8)))
        #expect(try WebhookKey.Material.parse(hex, for: .github) == .secret(Array(hex.utf8)))
        #expect(try WebhookKey.Material.parse(hex, for: .strait) == .secret(Array(hex.utf8)))
        #expect(
            try WebhookKey.Material.parse("whsec_\(TestEncoding.base64(bytes))", for: .standardWebhooks)
                == .secret(bytes)
        )
        let openssl = try OpenSSL()
        let pair = try await openssl.generateEd25519()
        #expect(
            try WebhookKey.Material.parse("whpk_\(TestEncoding.base64(pair.publicKey))", for: .standardWebhooks)
                == .ed25519(pair.publicKey)
        )
        #expect(
            try WebhookKey.Material.parse(TestEncoding.hex(pair.publicKey), for: .discord) == .ed25519(pair.publicKey)
        )
        let error = try #require(throws: WebhookKeyError.self) {
            try WebhookKey.Material.parse(TestEncoding.base64(bytes), for: .standardWebhooks)
        }
        #expect(error.code == .malformedSecret)
        let privateKey = try #require(throws: WebhookKeyError.self) {
            try WebhookKey.Material.parse("whsk_\(TestEncoding.base64(bytes))", for: .standardWebhooks)
        }
        #expect(privateKey.code == .wrongKeyKind)
    }
}

import Testing
import Webhooks

struct WebhookVerifierFactoryTests {
    private static let secret = WebhookKey.Material.secret(Array("0123456789abcdef".utf8))
    private static let publicKey = WebhookKey.Material.ed25519(Array(repeating: 0x11, count: 32))

    @Test func eachKindGetsItsVerifier() throws {
        let hmac = WebhookKeyring(keys: [WebhookKey(id: "k", material: Self.secret)])
        let ed25519 = WebhookKeyring(keys: [WebhookKey(id: "k", material: Self.publicKey)])
        #expect(try WebhookVerifierFactory.make(kind: .slack, keyring: hmac) is SlackSignatureVerifier)
        #expect(try WebhookVerifierFactory.make(kind: .github, keyring: hmac) is GitHubSignatureVerifier)
        #expect(try WebhookVerifierFactory.make(kind: .strait, keyring: hmac) is StraitSignatureVerifier)
        #expect(try WebhookVerifierFactory.make(kind: .standardWebhooks, keyring: hmac) is StandardWebhooksVerifier)
        #expect(try WebhookVerifierFactory.make(kind: .standardWebhooks, keyring: ed25519) is StandardWebhooksVerifier)
        #expect(try WebhookVerifierFactory.make(kind: .discord, keyring: ed25519) is DiscordSignatureVerifier)
        let slack = try #require(
            try WebhookVerifierFactory.make(kind: .slack, keyring: hmac, tolerance: .seconds(42))
                as? SlackSignatureVerifier
        )
        #expect(slack.tolerance == .seconds(42))
        #expect(slack.keyring == hmac)
    }

    @Test(arguments: [
        (WebhookSourceKind.slack, [WebhookKey](), WebhookKeyError.Code.emptyKeyring),
        (.slack, [WebhookKey(id: "", material: secret)], .invalidKeyID),
        (.slack, [WebhookKey(id: "a", material: secret), WebhookKey(id: "a", material: secret)], .invalidKeyID),
        (.slack, [WebhookKey(id: "a", material: secret, notBefore: 10, notAfter: 9)], .invalidValidity),
        (.slack, [WebhookKey(id: "a", material: .secret([]))], .malformedSecret),
        (.slack, [WebhookKey(id: "a", material: publicKey)], .wrongKeyKind),
        (.github, [WebhookKey(id: "a", material: publicKey)], .wrongKeyKind),
        (.strait, [WebhookKey(id: "a", material: publicKey)], .wrongKeyKind),
        (.discord, [WebhookKey(id: "a", material: secret)], .wrongKeyKind),
        (.discord, [WebhookKey(id: "a", material: .ed25519([1, 2, 3]))], .malformedPublicKey),
        (.standardWebhooks, [WebhookKey(id: "a", material: .ed25519([]))], .malformedPublicKey),
    ])
    func keyringsThatCannotWorkAreRefusedAtConfigurationTime(
        _ kind: WebhookSourceKind,
        _ keys: [WebhookKey],
        _ expected: WebhookKeyError.Code
    ) throws {
        let error = try #require(throws: WebhookKeyError.self) {
            try WebhookVerifierFactory.make(kind: kind, keyring: WebhookKeyring(keys: keys))
        }
        #expect(error.code == expected)
        #expect(!error.message.contains("0123456789abcdef"))
    }

    @Test func aKeyValidForASingleSecondIsAccepted() throws {
        let keyring = WebhookKeyring(keys: [WebhookKey(id: "a", material: Self.secret, notBefore: 10, notAfter: 10)])
        #expect(throws: Never.self) { try WebhookVerifierFactory.validate(keyring, for: .github) }
    }
}

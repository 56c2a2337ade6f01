import Testing
import Webhooks

struct SlackSignatureVerifierTests {
    /// The worked example in Slack's "Verifying requests from Slack" guide.
    @Test func slacksPublishedExampleVerifies() throws {
        let body =
            "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
            + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
            + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
        let delivery = WebhookDelivery(
            headers: [
                ("X-Slack-Request-Timestamp", "1531420618"),
                ("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
            ],
            body: Array(body.utf8)
        )
        let key = WebhookKey(id: "slack", material: try .textSecret("8f742231b10e8888abcd99yyyzzz85a5"))
        let verifier = SlackSignatureVerifier(keyring: WebhookKeyring(keys: [key]))

        let verification = try verifier.verify(delivery, now: 1_531_420_618 + 299)

        #expect(
            verification == WebhookVerification(keyID: "slack", signedTimestamp: 1_531_420_618, scheme: "slack-v0")
        )
        expectFailure(.staleTimestamp) { try verifier.verify(delivery, now: 1_531_420_618 + 301) }
    }

    @Test func uppercaseHexIsTheSameSignature() async throws {
        let openssl = try OpenSSL()
        let key = try await SignedScheme.slack.makeKey("slack", openssl: openssl)
        var delivery = try await SignedScheme.slack.delivery(body: Array("text=".utf8), key: key, openssl: openssl)
        delivery.headers = delivery.headers.map { header in
            header.name == "X-Slack-Signature" ? (header.name, "v0=" + header.value.dropFirst(3).uppercased()) : header
        }
        #expect(try SignedScheme.slack.verifier([key]).verify(delivery, now: SignedScheme.now).keyID == "slack")
    }

    @Test func signaturesNotInTheV0FormAreMalformed() async throws {
        let openssl = try OpenSSL()
        let key = try await SignedScheme.slack.makeKey("slack", openssl: openssl)
        let verifier = try SignedScheme.slack.verifier([key])
        let hex = String(repeating: "0f", count: 32)
        for value in [
            hex, "v0:\(hex)", "v0=\(hex.dropLast(2))", "v0=\(hex)00", "v0=\(hex.dropLast(1))g", "V0=\(hex)", "=\(hex)",
        ] {
            let delivery = SignedScheme.slack.delivery(body: [], timestamp: String(SignedScheme.now), signature: value)
            expectFailure(.malformedSignature, "\(value)") { try verifier.verify(delivery, now: SignedScheme.now) }
        }
    }

    @Test func surroundingWhitespaceInHeaderValuesIsIgnored() async throws {
        let openssl = try OpenSSL()
        let key = try await SignedScheme.slack.makeKey("slack", openssl: openssl)
        var delivery = try await SignedScheme.slack.delivery(body: Array("a=b".utf8), key: key, openssl: openssl)
        delivery.headers = delivery.headers.map { ($0.name, " \($0.value)\t") }
        #expect(try SignedScheme.slack.verifier([key]).verify(delivery, now: SignedScheme.now).keyID == "slack")
    }
}

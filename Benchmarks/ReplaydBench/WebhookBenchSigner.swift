import Crypto
import Foundation
import Webhooks

/// Fresh keys for every sender in one benchmark run, and each sender's way of signing a body (done with
/// swift-crypto here, independently of the verifiers' code paths beyond the primitives).
struct WebhookBenchSigner: Sendable {
    /// Slack's signing secret (text).
    let slackSecret: String
    /// GitHub's webhook secret (text).
    let githubSecret: String
    /// Strait's webhook secret (text).
    let straitSecret: String
    /// The Standard Webhooks HMAC key bytes; configured as `whsec_<base64>`.
    let standardSecret: [UInt8]
    /// Discord's application key pair (raw 32-byte private key).
    let discordPrivateKey: [UInt8]
    /// A Standard Webhooks `v1a` signing key pair (raw 32-byte private key).
    let standardPrivateKey: [UInt8]

    /// Random secrets and key pairs.
    static func random() -> WebhookBenchSigner {
        func randomBytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }
        func randomText() -> String { hex(randomBytes(24)) }
        return WebhookBenchSigner(
            slackSecret: randomText(),
            githubSecret: randomText(),
            straitSecret: randomText(),
            standardSecret: randomBytes(32),
            discordPrivateKey: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            standardPrivateKey: Array(Curve25519.Signing.PrivateKey().rawRepresentation)
        )
    }

    /// The Standard Webhooks secret as configured: `whsec_<base64>`.
    var standardSecretText: String { "whsec_" + Data(standardSecret).base64EncodedString() }

    /// Discord's public key as the developer portal shows it: 64 hex digits.
    var discordPublicKeyHex: String { Self.hex(Self.publicKey(discordPrivateKey)) }

    /// The keyring a `scheme` verifier is built with (one key, id `k1`).
    func keyring(for scheme: WebhookBenchScheme) -> WebhookKeyring {
        let material: WebhookKey.Material
        switch scheme {
        case .slackV0: material = .secret(Array(slackSecret.utf8))
        case .githubSHA256: material = .secret(Array(githubSecret.utf8))
        case .straitV1: material = .secret(Array(straitSecret.utf8))
        case .standardWebhooksV1: material = .secret(standardSecret)
        case .discordEd25519: material = .ed25519(Self.publicKey(discordPrivateKey))
        case .standardWebhooksV1a: material = .ed25519(Self.publicKey(standardPrivateKey))
        }
        return WebhookKeyring(keys: [WebhookKey(id: "k1", material: material)])
    }

    /// The headers that sign `body` under `scheme` at `timestamp` (unix seconds); `id` is the message id the
    /// scheme signs or carries (Standard Webhooks `webhook-id`, Strait `X-Strait-Delivery-ID`).
    func signatureHeaders(
        _ scheme: WebhookBenchScheme,
        body: [UInt8],
        id: String,
        timestamp: Int64
    ) throws -> [(name: String, value: String)] {
        let ts = String(timestamp)
        switch scheme {
        case .slackV0:
            let mac = Self.hmac(Array(slackSecret.utf8), Array("v0:\(ts):".utf8) + body)
            return [("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", "v0=" + Self.hex(mac))]
        case .githubSHA256:
            return [("X-Hub-Signature-256", "sha256=" + Self.hex(Self.hmac(Array(githubSecret.utf8), body)))]
        case .straitV1:
            let mac = Self.hmac(Array(straitSecret.utf8), Array("\(ts).".utf8) + body)
            return [
                ("X-Strait-Timestamp", ts), ("X-Strait-Delivery-ID", id), ("X-Strait-Signature", "v1=" + Self.hex(mac)),
            ]
        case .standardWebhooksV1:
            let mac = Self.hmac(standardSecret, Array("\(id).\(ts).".utf8) + body)
            return [
                ("webhook-id", id), ("webhook-timestamp", ts),
                ("webhook-signature", "v1," + Data(mac).base64EncodedString()),
            ]
        case .standardWebhooksV1a:
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: standardPrivateKey)
            let signature = try key.signature(for: Array("\(id).\(ts).".utf8) + body)
            return [
                ("webhook-id", id), ("webhook-timestamp", ts),
                ("webhook-signature", "v1a," + Data(signature).base64EncodedString()),
            ]
        case .discordEd25519:
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: discordPrivateKey)
            let signature = try key.signature(for: Array(ts.utf8) + body)
            return [("X-Signature-Ed25519", Self.hex(Array(signature))), ("X-Signature-Timestamp", ts)]
        }
    }

    private static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    private static func publicKey(_ privateKey: [UInt8]) -> [UInt8] {
        // The raw bytes came from `Curve25519.Signing.PrivateKey().rawRepresentation`, so they always parse.
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKey) else { return [] }
        return Array(key.publicKey.rawRepresentation)
    }

    /// Lowercase hex.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

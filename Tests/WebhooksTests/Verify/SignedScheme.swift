import Testing
import Webhooks

/// A key made for a test, with what the signer (openssl) needs to sign under it.
struct TestKey {
    /// The key as the keyring holds it.
    var key: WebhookKey
    /// The HMAC key bytes, for HMAC schemes.
    var secret: [UInt8]?
    /// The openssl key pair, for Ed25519 schemes.
    var pair: OpenSSL.Ed25519KeyPair?

    /// The same key with another validity window.
    func valid(from notBefore: Int64?, until notAfter: Int64?) -> TestKey {
        var copy = self
        copy.key.notBefore = notBefore
        copy.key.notAfter = notAfter
        return copy
    }
}

/// Every signature scheme, with how its sender signs a delivery (through openssl) and which headers carry what.
/// Tests that hold for every scheme take one of these as an argument.
enum SignedScheme: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case slack
    case github
    case standardWebhooksHMAC
    case standardWebhooksEd25519
    case strait
    case discord

    /// The unix time the tests treat as now.
    static let now: Int64 = 1_700_000_000

    var testDescription: String { rawValue }

    /// The source kind whose verifier checks this scheme.
    var kind: WebhookSourceKind {
        switch self {
        case .slack: .slack
        case .github: .github
        case .standardWebhooksHMAC, .standardWebhooksEd25519: .standardWebhooks
        case .strait: .strait
        case .discord: .discord
        }
    }

    /// The scheme name a match reports.
    var schemeName: String {
        switch self {
        case .slack: SlackSignatureVerifier.scheme
        case .github: GitHubSignatureVerifier.scheme
        case .standardWebhooksHMAC: StandardWebhooksVerifier.hmacScheme
        case .standardWebhooksEd25519: StandardWebhooksVerifier.ed25519Scheme
        case .strait: StraitSignatureVerifier.scheme
        case .discord: DiscordSignatureVerifier.scheme
        }
    }

    /// Whether the scheme signs a timestamp (all but GitHub).
    var signsTimestamp: Bool { self != .github }

    /// The header carrying the signature.
    var signatureHeader: String {
        switch self {
        case .slack: SlackSignatureVerifier.signatureHeader
        case .github: GitHubSignatureVerifier.signatureHeader
        case .standardWebhooksHMAC, .standardWebhooksEd25519: StandardWebhooksVerifier.signatureHeader
        case .strait: StraitSignatureVerifier.signatureHeader
        case .discord: DiscordSignatureVerifier.signatureHeader
        }
    }

    /// The header carrying the signed timestamp, for schemes that sign one.
    var timestampHeader: String? {
        switch self {
        case .slack: SlackSignatureVerifier.timestampHeader
        case .github: nil
        case .standardWebhooksHMAC, .standardWebhooksEd25519: StandardWebhooksVerifier.timestampHeader
        case .strait: StraitSignatureVerifier.timestampHeader
        case .discord: DiscordSignatureVerifier.timestampHeader
        }
    }

    /// A signature header value in a version of the scheme replayd does not verify.
    var unknownVersionSignature: String {
        let hex = String(repeating: "ab", count: 32)
        return switch self {
        case .slack: "v1=\(hex)"
        case .github: "sha1=\(String(repeating: "ab", count: 20))"
        case .standardWebhooksHMAC, .standardWebhooksEd25519:
            "v2,\(TestEncoding.base64(Array(repeating: 7, count: 32)))"
        case .strait: "v2=\(hex)"
        case .discord: ""
        }
    }

    /// The verifier the factory makes for `keyring`.
    func verifier(_ keys: [TestKey], tolerance: Duration = .seconds(300)) throws -> any WebhookVerifier {
        try WebhookVerifierFactory.make(
            kind: kind,
            keyring: WebhookKeyring(keys: keys.map(\.key)),
            tolerance: tolerance
        )
    }

    /// A fresh key: a random secret written as the sender's docs write it, or a new openssl Ed25519 key pair,
    /// read through the module's parser for that kind of source.
    func makeKey(_ id: String, openssl: OpenSSL) async throws -> TestKey {
        switch self {
        case .slack, .github, .strait:
            let text = TestEncoding.hex(TestEncoding.randomBytes(16))
            let material = try WebhookKey.Material.parse(text, for: kind)
            return TestKey(key: WebhookKey(id: id, material: material), secret: Array(text.utf8))
        case .standardWebhooksHMAC:
            let bytes = TestEncoding.randomBytes(24)
            let material = try WebhookKey.Material.parse("whsec_\(TestEncoding.base64(bytes))", for: kind)
            return TestKey(key: WebhookKey(id: id, material: material), secret: bytes)
        case .standardWebhooksEd25519, .discord:
            let pair = try await openssl.generateEd25519()
            let text =
                self == .discord ? TestEncoding.hex(pair.publicKey) : "whpk_\(TestEncoding.base64(pair.publicKey))"
            let material = try WebhookKey.Material.parse(text, for: kind)
            return TestKey(key: WebhookKey(id: id, material: material), pair: pair)
        }
    }

    /// The bytes the sender signs for `body` at `timestamp`.
    func signedContent(body: [UInt8], timestamp: String) -> [UInt8] {
        switch self {
        case .slack: Array("v0:\(timestamp):".utf8) + body
        case .github: body
        case .standardWebhooksHMAC, .standardWebhooksEd25519: Array("\(Self.messageID).\(timestamp).".utf8) + body
        case .strait: Array("\(timestamp).".utf8) + body
        case .discord: Array(timestamp.utf8) + body
        }
    }

    /// The `webhook-id` the Standard Webhooks deliveries carry.
    static let messageID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"

    /// The signature header value for `body` at `timestamp` under `key`, computed by openssl.
    func signatureValue(body: [UInt8], timestamp: String, key: TestKey, openssl: OpenSSL) async throws -> String {
        let content = signedContent(body: body, timestamp: timestamp)
        switch self {
        case .slack, .github, .strait, .standardWebhooksHMAC:
            let mac = try await openssl.hmacSHA256(key: try #require(key.secret), message: content)
            return switch self {
            case .slack: "v0=\(TestEncoding.hex(mac))"
            case .github: "sha256=\(TestEncoding.hex(mac))"
            case .strait: "v1=\(TestEncoding.hex(mac))"
            default: "v1,\(TestEncoding.base64(mac))"
            }
        case .standardWebhooksEd25519, .discord:
            let signature = try await openssl.signEd25519(content, with: try #require(key.pair))
            return self == .discord ? TestEncoding.hex(signature) : "v1a,\(TestEncoding.base64(signature))"
        }
    }

    /// A delivery of `body` signed by `key` at `timestamp` (default ``now``), with the headers the sender sends.
    func delivery(
        body: [UInt8],
        timestamp: Int64 = now,
        key: TestKey,
        openssl: OpenSSL
    ) async throws -> WebhookDelivery {
        let stamp = String(timestamp)
        let signature = try await signatureValue(body: body, timestamp: stamp, key: key, openssl: openssl)
        return delivery(body: body, timestamp: stamp, signature: signature)
    }

    /// A delivery of `body` with these exact header values.
    func delivery(body: [UInt8], timestamp: String?, signature: String?) -> WebhookDelivery {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if self == .standardWebhooksHMAC || self == .standardWebhooksEd25519 {
            headers.append((StandardWebhooksVerifier.idHeader, Self.messageID))
        }
        if let timestampHeader, let timestamp { headers.append((timestampHeader, timestamp)) }
        if let signature { headers.append((signatureHeader, signature)) }
        return WebhookDelivery(headers: headers, body: body)
    }

    /// A realistic body for this sender.
    var sampleBody: [UInt8] {
        let text =
            switch self {
            case .slack:
                "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C2147483705"
                    + "&user_id=U2147483697&user_name=Steve&command=%2Freplay&text=run_01HXYZ+from%3D3"
                    + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920.8088930838d88f008e0"
            case .github:
                #"{"action":"created","comment":{"body":"/replay run_01HXYZ","user":{"login":"octocat"}},"#
                    + #""repository":{"full_name":"octo/repo"},"issue":{"number":7}}"#
            case .standardWebhooksHMAC, .standardWebhooksEd25519:
                #"{"type":"run.failed","timestamp":"2023-11-14T22:13:20Z","data":{"run_id":"run_01HXYZ"}}"#
            case .strait:
                #"{"run_id":"run_01HXYZ","job_id":"job_1","project_id":"proj_1","status":"failed","attempt":2,"#
                    + #""result":null,"error":"timeout","timestamp":"2023-11-14T22:13:20Z"}"#
            case .discord:
                #"{"type":2,"id":"1123","application_id":"99","token":"aW50ZXJhY3Rpb24","#
                    + #""data":{"name":"replay","options":[{"name":"run","type":3,"value":"run_01HXYZ"}]}}"#
            }
        return Array(text.utf8)
    }
}

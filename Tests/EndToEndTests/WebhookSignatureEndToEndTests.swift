import Foundation
import Testing

/// Every signature scheme, through the real daemon: a delivery signed by `openssl` is accepted, and one changed by a
/// byte, signed with the wrong secret, signed outside the time window or naming a key replayd lacks is refused
/// with 401, and each refusal is audited with its reason.
@Suite(.timeLimit(.minutes(5)))
struct WebhookSignatureEndToEndTests {
    typealias Stack = WebhookEndToEndTests

    /// One attempt: the source, the body as sent, its headers, and the verification code expected (nil: accepted).
    struct Attempt {
        var source: String
        var body: String
        var headers: [(String, String)]
        var expected: String?
        var label: String
    }

    @Test func eachSchemeAcceptsOpenSSLSignaturesAndAuditsEveryRefusalWithItsReason() async throws {
        try await Stack.withWebhookStack { harness, _, discordKey in
            let now = Int(Date().timeIntervalSince1970)
            let stale = String(now - 3600)
            let fresh = String(now)
            let github = Stack.secrets["GITHUB_SECRET"] ?? ""
            let notify = Stack.secrets["NOTIFY_SECRET"] ?? ""
            let otherDiscordKey = try await harness.opensslEd25519Key().pem
            var attempts: [Attempt] = []

            // GitHub: sha256 over the body; no timestamp. A comment without a /replay line is accepted and ignored.
            let comment =
                #"{"action":"created","comment":{"body":"thanks","user":{"login":"octocat"}},"#
                + #""issue":{"number":1},"repository":{"full_name":"o/r"},"sender":{"login":"octocat"}}"#
            func githubHeaders(_ signature: String, delivery: String) -> [(String, String)] {
                [
                    ("X-GitHub-Event", "issue_comment"), ("X-GitHub-Delivery", delivery), ("X-GitHub-Hook-ID", "7"),
                    ("X-Hub-Signature-256", signature), ("Content-Type", "application/json"),
                ]
            }
            let githubGood = "sha256=" + (try await harness.opensslHMACHex(secret: github, comment))
            let githubWrong = "sha256=" + (try await harness.opensslHMACHex(secret: "wrong-secret", comment))
            attempts += [
                Attempt(
                    source: "gh",
                    body: comment,
                    headers: githubHeaders(githubGood, delivery: "g1"),
                    expected: nil,
                    label: "github ok"
                ),
                Attempt(
                    source: "gh",
                    body: comment + " ",
                    headers: githubHeaders(githubGood, delivery: "g2"),
                    expected: "bad_signature",
                    label: "github body"
                ),
                Attempt(
                    source: "gh",
                    body: comment,
                    headers: githubHeaders(githubWrong, delivery: "g3"),
                    expected: "bad_signature",
                    label: "github secret"
                ),
                Attempt(
                    source: "gh",
                    body: comment,
                    headers: githubHeaders(
                        githubGood.replacingOccurrences(of: "sha256=", with: "sha1="),
                        delivery: "g4"
                    ),
                    expected: "unknown_key_id",
                    label: "github sha1"
                ),
            ]

            // Standard Webhooks: v1 HMAC over id.ts.body.
            let standardBody = #"{"run_id":"run_completed_1"}"#
            func standardHeaders(_ id: String, _ timestamp: String, _ signature: String) -> [(String, String)] {
                [
                    ("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature),
                    ("Content-Type", "application/json"),
                ]
            }
            let standardGood = try await harness.opensslHMACBase64(
                key: Stack.standardKey,
                "s1.\(fresh).\(standardBody)"
            )
            let standardStale = try await harness.opensslHMACBase64(
                key: Stack.standardKey,
                "s3.\(stale).\(standardBody)"
            )
            let standardWrong = try await harness.opensslHMACBase64(
                key: Array("another-key-of-24-bytes!".utf8),
                "s4.\(fresh).\(standardBody)"
            )
            attempts += [
                Attempt(
                    source: "std",
                    body: standardBody,
                    headers: standardHeaders("s1", fresh, "v1,\(standardGood)"),
                    expected: nil,
                    label: "standard ok"
                ),
                Attempt(
                    source: "std",
                    body: standardBody + " ",
                    headers: standardHeaders("s1", fresh, "v1,\(standardGood)"),
                    expected: "bad_signature",
                    label: "standard body"
                ),
                Attempt(
                    source: "std",
                    body: standardBody,
                    headers: standardHeaders("s3", stale, "v1,\(standardStale)"),
                    expected: "stale_timestamp",
                    label: "standard stale"
                ),
                Attempt(
                    source: "std",
                    body: standardBody,
                    headers: standardHeaders("s4", fresh, "v1,\(standardWrong)"),
                    expected: "bad_signature",
                    label: "standard secret"
                ),
                Attempt(
                    source: "std",
                    body: standardBody,
                    headers: standardHeaders("s5", fresh, "v1a,\(Data(repeating: 7, count: 64).base64EncodedString())"),
                    expected: "unknown_key_id",
                    label: "standard v1a without a public key"
                ),
            ]

            // Strait notifications: v1 over ts.body. A completed run is accepted and ignored by the policy.
            let notification =
                #"{"run_id":"run_completed_1","job_id":"job-1","status":"completed","attempt":1,"result":null,"#
                + #""error":null,"timestamp":"2026-11-29T12:00:00Z"}"#
            func straitHeaders(_ timestamp: String, _ signature: String, delivery: String) -> [(String, String)] {
                [
                    ("X-Strait-Timestamp", timestamp), ("X-Strait-Signature", signature),
                    ("X-Strait-Delivery-ID", delivery), ("Content-Type", "application/json"),
                ]
            }
            let straitGood = try await harness.opensslHMACHex(secret: notify, "\(fresh).\(notification)")
            let straitStale = try await harness.opensslHMACHex(secret: notify, "\(stale).\(notification)")
            let straitWrong = try await harness.opensslHMACHex(secret: "wrong-secret", "\(fresh).\(notification)")
            attempts += [
                Attempt(
                    source: "notify",
                    body: notification,
                    headers: straitHeaders(fresh, "v1=\(straitGood)", delivery: "n1"),
                    expected: nil,
                    label: "strait ok"
                ),
                Attempt(
                    source: "notify",
                    body: notification + " ",
                    headers: straitHeaders(fresh, "v1=\(straitGood)", delivery: "n2"),
                    expected: "bad_signature",
                    label: "strait body"
                ),
                Attempt(
                    source: "notify",
                    body: notification,
                    headers: straitHeaders(stale, "v1=\(straitStale)", delivery: "n3"),
                    expected: "stale_timestamp",
                    label: "strait stale"
                ),
                Attempt(
                    source: "notify",
                    body: notification,
                    headers: straitHeaders(fresh, "v1=\(straitWrong)", delivery: "n4"),
                    expected: "bad_signature",
                    label: "strait secret"
                ),
                Attempt(
                    source: "notify",
                    body: notification,
                    headers: straitHeaders(fresh, "v2=\(straitGood)", delivery: "n5"),
                    expected: "unknown_key_id",
                    label: "strait v2"
                ),
            ]

            // Discord: Ed25519 over ts ‖ body.
            let ping = #"{"type":1,"id":"1300","application_id":"9","token":"t","version":1}"#
            func discordHeaders(_ timestamp: String, _ signature: String) -> [(String, String)] {
                [
                    ("X-Signature-Timestamp", timestamp), ("X-Signature-Ed25519", signature),
                    ("Content-Type", "application/json"),
                ]
            }
            let discordGood = try await harness.opensslEd25519SignHex(pem: discordKey, fresh + ping)
            let discordStale = try await harness.opensslEd25519SignHex(pem: discordKey, stale + ping)
            let discordWrong = try await harness.opensslEd25519SignHex(pem: otherDiscordKey, fresh + ping)
            attempts += [
                Attempt(
                    source: "discord",
                    body: ping,
                    headers: discordHeaders(fresh, discordGood),
                    expected: nil,
                    label: "discord ok"
                ),
                Attempt(
                    source: "discord",
                    body: ping + " ",
                    headers: discordHeaders(fresh, discordGood),
                    expected: "bad_signature",
                    label: "discord body"
                ),
                Attempt(
                    source: "discord",
                    body: ping,
                    headers: discordHeaders(stale, discordStale),
                    expected: "stale_timestamp",
                    label: "discord stale"
                ),
                Attempt(
                    source: "discord",
                    body: ping,
                    headers: discordHeaders(fresh, discordWrong),
                    expected: "bad_signature",
                    label: "discord key"
                ),
            ]

            for attempt in attempts {
                let answer = try await harness.postWebhook(attempt.source, body: attempt.body, headers: attempt.headers)
                if let expected = attempt.expected {
                    #expect(answer.status == 401, "\(attempt.label): \(answer.body)")
                    #expect(answer.body.contains("(\(expected))"), "\(attempt.label): \(answer.body)")
                } else {
                    #expect((200..<300).contains(answer.status), "\(attempt.label): \(answer.body)")
                }
            }

            let denials = try await Stack.auditRecords(harness).filter { $0["kind"] as? String == "denial" }
            for attempt in attempts {
                guard let expected = attempt.expected else { continue }
                #expect(
                    denials.contains {
                        $0["source"] as? String == attempt.source
                            && ($0["reason"] as? String)?.hasPrefix("signature \(expected)") == true
                    },
                    "\(attempt.label): no audited denial with reason \(expected)"
                )
            }
            #expect(try await harness.simulatorReplayTotal() == 0)
        }
    }
}

import Foundation
import Testing

/// `replayd explain --request FILE` on the real binary, offline (no daemon): captured Slack, GitHub and Standard
/// Webhooks requests signed with `openssl`. A good signature names the key that matched and the replay it would
/// become (exit 0); a bad one, a stale one or an unmapped sender is refused with the reason (exit 1).
@Suite(.timeLimit(.minutes(5)))
struct ExplainWebhookRequestEndToEndTests {
    static let secrets = [
        "SLACK_OLD": "sentinel-explain-slack-old-1111",
        "SLACK_NEW": "sentinel-explain-slack-new-2222",
        "GITHUB_SECRET": "sentinel-explain-github-3333",
        "STD_SECRET": "whsec_" + Data(Self.standardKey).base64EncodedString(),
    ]
    static let standardKey = Array("sentinel-explain-std-key".utf8)

    static func withConfig(_ body: (EndToEndHarness) async throws -> Void) async throws {
        let harness = try EndToEndHarness()
        try harness.writeConfig(
            upstream: "http://127.0.0.1:9",
            webhooks: """
                [[principals]]
                name = "alice"
                slack_users = ["T1/U1"]
                github_logins = ["octocat"]

                [[sources]]
                name = "slack-ops"
                kind = "slack"
                [[sources.keys]]
                id = "old"
                secret_env = "SLACK_OLD"
                [[sources.keys]]
                id = "new"
                secret_env = "SLACK_NEW"

                [[sources]]
                name = "gh"
                kind = "github"
                [[sources.keys]]
                id = "k1"
                secret_env = "GITHUB_SECRET"

                [[sources]]
                name = "std"
                kind = "standard_webhooks"
                principal = "alice"
                [[sources.keys]]
                id = "std-1"
                secret_env = "STD_SECRET"
                """
        )
        try await body(harness)
        harness.cleanUp()
    }

    /// Writes a raw HTTP request (LF or CRLF line ends) and runs `replayd explain --request` on it.
    static func explain(
        _ harness: EndToEndHarness,
        path: String,
        headers: [(String, String)],
        body: String,
        crlf: Bool = true,
        extra: [String] = []
    ) async throws -> CommandResult {
        let end = crlf ? "\r\n" : "\n"
        var text = "POST \(path) HTTP/1.1\(end)Host: hooks.example\(end)"
        for (name, value) in headers { text += "\(name): \(value)\(end)" }
        text += "Content-Length: \(body.utf8.count)\(end)\(end)\(body)"
        let file = harness.directory + "/capture-\(UUID().uuidString.prefix(8)).http"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return try await harness.replayd(
            ["explain", "--request", file, "--config", harness.configPath] + extra,
            environment: secrets
        )
    }

    static func slackForm(user: String = "U1") -> String {
        "token=legacy&team_id=T1&team_domain=example&channel_id=C1&channel_name=ops&user_id=\(user)"
            + "&user_name=alice&command=%2Freplay&text=run_failed_1+from%3D2"
            + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=trig.1"
    }

    @Test func slackNamesTheRotatedKeyThatMatchedAndTheReplayItBecomes() async throws {
        try await Self.withConfig { harness in
            let now = Int(Date().timeIntervalSince1970)
            let form = Self.slackForm()
            let signature = try await harness.opensslHMACHex(
                secret: Self.secrets["SLACK_NEW"] ?? "",
                "v0:\(now):\(form)"
            )
            let headers = [
                ("Content-Type", "application/x-www-form-urlencoded"), ("X-Slack-Request-Timestamp", "\(now)"),
                ("X-Slack-Signature", "v0=\(signature)"),
            ]
            let good = try await Self.explain(
                harness,
                path: "/hooks/slack-ops",
                headers: headers,
                body: form,
                crlf: false
            )
            #expect(good.status == 0)
            #expect(good.stdout.contains("source       slack-ops (slack)"))
            #expect(good.stdout.contains("key \"new\" (keyring entry 2 of 2)"))
            #expect(good.stdout.contains("principal alice"))
            #expect(good.stdout.contains("key webhook:slack-ops:trig.1 (derived)"))
            #expect(good.stdout.contains("run run_failed_1 from checkpoint 2"))
            #expect(good.stdout.contains("verdict      would be accepted"))
            // A secret never appears, neither the keys nor the signature's material.
            for secret in Self.secrets.values { #expect(!good.stdout.contains(secret)) }

            // An old capture: good signature, stale at the real now; accepted with --now at its time.
            let old = now - 3600
            let oldSignature = try await harness.opensslHMACHex(
                secret: Self.secrets["SLACK_OLD"] ?? "",
                "v0:\(old):\(form)"
            )
            let oldHeaders = [
                ("Content-Type", "application/x-www-form-urlencoded"), ("X-Slack-Request-Timestamp", "\(old)"),
                ("X-Slack-Signature", "v0=\(oldSignature)"),
            ]
            let stale = try await Self.explain(harness, path: "/hooks/slack-ops", headers: oldHeaders, body: form)
            #expect(stale.status == 1)
            #expect(stale.stdout.contains("key \"old\" (keyring entry 1 of 2)"))
            #expect(stale.stdout.contains("OUTSIDE, would be refused"))
            #expect(stale.stdout.contains("would be REFUSED: stale_timestamp"))
            let atTheTime = try await Self.explain(
                harness,
                path: "/hooks/slack-ops",
                headers: oldHeaders,
                body: form,
                extra: ["--now", "\(old + 10)"]
            )
            #expect(atTheTime.status == 0)

            // A wrong secret: refused with the reason; an unmapped user: verified, then refused.
            let wrong = try await harness.opensslHMACHex(secret: "not-the-secret", "v0:\(now):\(form)")
            let bad = try await Self.explain(
                harness,
                path: "/hooks/slack-ops",
                headers: [
                    ("X-Slack-Request-Timestamp", "\(now)"), ("X-Slack-Signature", "v0=\(wrong)"),
                ],
                body: form
            )
            #expect(bad.status == 1)
            #expect(bad.stdout.contains("refused: bad_signature"))
            let strangerForm = Self.slackForm(user: "U9")
            let strangerSignature = try await harness.opensslHMACHex(
                secret: Self.secrets["SLACK_OLD"] ?? "",
                "v0:\(now):\(strangerForm)"
            )
            let stranger = try await Self.explain(
                harness,
                path: "/hooks/slack-ops",
                headers: [("X-Slack-Request-Timestamp", "\(now)"), ("X-Slack-Signature", "v0=\(strangerSignature)")],
                body: strangerForm
            )
            #expect(stranger.status == 1)
            #expect(stranger.stdout.contains("would be REFUSED: unmapped_sender"))
            // An unknown source and an unreadable file.
            let unknown = try await Self.explain(harness, path: "/hooks/nope", headers: [], body: "")
            #expect(unknown.status == 1)
            #expect(unknown.stdout.contains("no [[sources]] is named nope"))
            let missing = try await harness.replayd(
                ["explain", "--request", harness.directory + "/missing.http", "--config", harness.configPath],
                environment: Self.secrets
            )
            #expect(missing.status == 2)
        }
    }

    @Test func githubAndStandardWebhooksSignedWithOpenSSL() async throws {
        try await Self.withConfig { harness in
            let comment =
                #"{"action":"created","comment":{"body":"/replay run_failed_2","user":{"login":"octocat"}},"#
                + #""issue":{"number":1},"repository":{"full_name":"o/r"},"sender":{"login":"octocat"}}"#
            let signature =
                "sha256=" + (try await harness.opensslHMACHex(secret: Self.secrets["GITHUB_SECRET"] ?? "", comment))
            func githubHeaders(_ signature: String) -> [(String, String)] {
                [
                    ("X-GitHub-Event", "issue_comment"), ("X-GitHub-Delivery", "d-1"), ("X-GitHub-Hook-ID", "7"),
                    ("X-Hub-Signature-256", signature), ("Content-Type", "application/json"),
                ]
            }
            let good = try await Self.explain(
                harness,
                path: "/hooks/gh",
                headers: githubHeaders(signature),
                body: comment
            )
            #expect(good.status == 0)
            #expect(good.stdout.contains("key \"k1\" (keyring entry 1 of 1)"))
            #expect(good.stdout.contains("github_logins \"octocat\" → principal alice"))
            #expect(good.stdout.contains("key webhook:gh:7:d-1 (derived)"))
            let tampered = try await Self.explain(
                harness,
                path: "/hooks/gh",
                headers: githubHeaders(signature),
                body: comment + " "
            )
            #expect(tampered.status == 1)
            #expect(tampered.stdout.contains("refused: bad_signature"))

            let now = Int(Date().timeIntervalSince1970)
            let body = #"{"type":"run.failed","run_id":"run_failed_3"}"#
            let standard = try await harness.opensslHMACBase64(key: Self.standardKey, "msg_1.\(now).\(body)")
            func standardHeaders(_ signature: String) -> [(String, String)] {
                [
                    ("Content-Type", "application/json"), ("webhook-id", "msg_1"), ("webhook-timestamp", "\(now)"),
                    ("webhook-signature", "v1,\(signature)"),
                ]
            }
            let accepted = try await Self.explain(
                harness,
                path: "/hooks/std",
                headers: standardHeaders(standard),
                body: body
            )
            #expect(accepted.status == 0)
            #expect(accepted.stdout.contains("key \"std-1\" (keyring entry 1 of 1)"))
            #expect(accepted.stdout.contains("service principal → alice"))
            #expect(accepted.stdout.contains("run run_failed_3, key webhook:std:msg_1 (derived)"))
            let wrong = try await harness.opensslHMACBase64(
                key: Array("another-key-of-24-bytes!".utf8),
                "msg_1.\(now).\(body)"
            )
            let refused = try await Self.explain(
                harness,
                path: "/hooks/std",
                headers: standardHeaders(wrong),
                body: body
            )
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("refused: bad_signature"))
        }
    }
}

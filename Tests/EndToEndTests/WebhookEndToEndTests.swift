import Foundation
import Testing

/// The webhook doors end to end: the real `replayd serve` with five sources, the simulator, signatures made by
/// `openssl`, and a local HTTP server standing in for Slack's `response_url` and Discord's follow-up endpoint.
@Suite(.timeLimit(.minutes(5)))
struct WebhookEndToEndTests {
    /// Sentinel secrets: none may ever appear in a log line, an answer or an audit segment.
    static let secrets = [
        "SLACK_SECRET": "sentinel-webhook-secret-slack-5e1f",
        "GITHUB_SECRET": "sentinel-webhook-secret-github-77aa",
        "NOTIFY_SECRET": "sentinel-webhook-secret-strait-c0de",
        // Standard Webhooks: whsec_ + base64 of these 24 bytes.
        "STD_SECRET": "whsec_" + Data(Self.standardKey).base64EncodedString(),
    ]
    static let standardKey = Array("sentinel-std-webhook-key".utf8)

    /// A fresh stack with every source configured; `body` gets the harness, the capture server and the Discord key.
    /// What alice and the automation principal may do unless a test says otherwise: what being mapped allowed.
    static let webhookGrants = """
        [[grants]]
        name = "webhook-principals-as-before"
        to = ["alice", "automation"]
        allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]
        """

    static func withWebhookStack(
        maxAutomaticReplays: Int = 1,
        grants: String = EndToEndHarness.testerGrant + "\n\n" + WebhookEndToEndTests.webhookGrants,
        _ body: (EndToEndHarness, CaptureHTTPServer, String) async throws -> Void
    ) async throws {
        let harness = try EndToEndHarness()
        let capture = try await CaptureHTTPServer.start()
        do {
            try await harness.startSimulator()
            let discord = try await harness.opensslEd25519Key()
            let discordHex = discord.publicKey.map { String(format: "%02x", $0) }.joined()
            // Attempts may take longer than the simulator's 10 s delay: the slow replay is answered, not timed out.
            try harness.writeConfig(
                attemptTimeout: "30s",
                webhooks: """
                    [[principals]]
                    name = "alice"
                    slack_users = ["T1/U1"]
                    github_logins = ["octocat"]
                    discord_users = ["111/222"]

                    [[principals]]
                    name = "automation"

                    [webhooks]
                    listen = "127.0.0.1:0"
                    discord_api_url = "\(capture.url("/api"))"

                    [[sources]]
                    name = "slack"
                    kind = "slack"
                    [[sources.keys]]
                    id = "k1"
                    secret_env = "SLACK_SECRET"

                    [[sources]]
                    name = "gh"
                    kind = "github"
                    [[sources.keys]]
                    id = "k1"
                    secret_env = "GITHUB_SECRET"

                    [[sources]]
                    name = "std"
                    kind = "standard_webhooks"
                    principal = "automation"
                    [[sources.keys]]
                    id = "k1"
                    secret_env = "STD_SECRET"

                    [[sources]]
                    name = "notify"
                    kind = "strait"
                    principal = "automation"
                    [[sources.keys]]
                    id = "k1"
                    secret_env = "NOTIFY_SECRET"
                    [sources.auto_replay]
                    max_replays_per_run = \(maxAutomaticReplays)
                    cooldown = "0s"

                    [[sources]]
                    name = "discord"
                    kind = "discord"
                    [[sources.keys]]
                    id = "app"
                    public_key = "\(discordHex)"
                    """,
                grants: grants
            )
            try await harness.startDaemon(environment: secrets)
            try await body(harness, capture, discord.pem)
        } catch {
            await harness.stop()
            await capture.stop()
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            throw error
        }
        await harness.stop()
        await capture.stop()
        harness.cleanUp()
    }

    // MARK: Senders

    static func slackCommand(
        _ harness: EndToEndHarness,
        text: String,
        trigger: String,
        responseURL: String,
        user: String = "U1",
        timestamp: String = EndToEndHarness.unixNow,
        secret: String = secrets["SLACK_SECRET"] ?? ""
    ) async throws -> (status: Int, body: String) {
        let form =
            "token=legacy&team_id=T1&team_domain=example&channel_id=C1&channel_name=ops&user_id=\(user)"
            + "&user_name=alice&command=%2Freplay&text=\(text.replacingOccurrences(of: " ", with: "+"))"
            + "&response_url=\(responseURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            + "&trigger_id=\(trigger)"
        let signature = try await harness.opensslHMACHex(secret: secret, "v0:\(timestamp):\(form)")
        return try await harness.postWebhook(
            "slack",
            body: form,
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), ("X-Slack-Request-Timestamp", timestamp),
                ("X-Slack-Signature", "v0=\(signature)"),
            ]
        )
    }

    static func standardWebhook(
        _ harness: EndToEndHarness,
        id: String,
        runID: String
    ) async throws -> (headers: [(String, String)], body: String) {
        let timestamp = EndToEndHarness.unixNow
        let body = #"{"type":"run.failed","run_id":"\#(runID)"}"#
        let signature = try await harness.opensslHMACBase64(key: standardKey, "\(id).\(timestamp).\(body)")
        return (
            [
                ("Content-Type", "application/json"), ("webhook-id", id), ("webhook-timestamp", timestamp),
                ("webhook-signature", "v1,\(signature)"),
            ],
            body
        )
    }

    static func straitNotification(
        _ harness: EndToEndHarness,
        runID: String,
        delivery: String
    ) async throws -> (status: Int, body: String) {
        let timestamp = EndToEndHarness.unixNow
        let body =
            #"{"run_id":"\#(runID)","job_id":"job-1","project_id":"proj-1","status":"failed","attempt":1,"#
            + #""result":null,"error":"worker lost","timestamp":"2026-11-29T12:00:00Z"}"#
        let signature = try await harness.opensslHMACHex(
            secret: secrets["NOTIFY_SECRET"] ?? "",
            "\(timestamp).\(body)"
        )
        return try await harness.postWebhook(
            "notify",
            body: body,
            headers: [
                ("Content-Type", "application/json"), ("X-Strait-Timestamp", timestamp),
                ("X-Strait-Signature", "v1=\(signature)"), ("X-Strait-Delivery-ID", delivery),
                ("X-Run-ID", runID),
            ]
        )
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The audit records (`replayd audit tail -o json`).
    static func auditRecords(_ harness: EndToEndHarness) async throws -> [[String: Any]] {
        let tail = try await harness.replayd(["audit", "tail", "--config", harness.configPath, "-o", "json"])
        #expect(tail.status == 0, "\(tail.stderr)")
        return tail.stdout.split(separator: "\n").map { json(String($0)) }
    }

    // MARK: Tests

    @Test func slackIsAckedBeforeASlowReplayAndTheFollowUpNamesTheNewRun() async throws {
        try await Self.withWebhookStack { harness, capture, _ in
            _ = try await harness.simulatorJSON(
                "/_sim/faults",
                method: "POST",
                body: #"{"faults":[{"kind":"latency","ms":10000}]}"#
            )
            let started = ContinuousClock.now
            let ack = try await Self.slackCommand(
                harness,
                text: "run_failed_1",
                trigger: "trigger-slow-1",
                responseURL: capture.url("/slack/response/1")
            )
            let ackTime = ContinuousClock.now - started
            #expect(ack.status == 200)
            #expect(Self.json(ack.body)["response_type"] as? String == "ephemeral")
            #expect((Self.json(ack.body)["text"] as? String)?.contains("Replaying run `run_failed_1`") == true)
            // The ack did not wait for Strait: the simulator is still holding the replay for 10 s.
            #expect(try await harness.simulatorReplayTotal() == 0, "acked after \(ackTime)")

            let followUp = try #require(
                await capture.waitFor { $0.path == "/slack/response/1" },
                "no follow-up was posted to the response_url"
            )
            #expect(followUp.method == "POST")
            #expect(try await harness.simulatorReplayTotal() == 1)
            let message = Self.json(followUp.body)
            #expect(message["response_type"] as? String == "ephemeral")
            #expect(message["replace_original"] as? Bool == false)
            let records = try await Self.auditRecords(harness)
            let newRun = try #require(
                records.first { $0["stage"] as? String == "outcome" && $0["door"] as? String == "slack" }?[
                    "new_run_id"
                ] as? String
            )
            #expect((message["text"] as? String)?.contains(newRun) == true, "\(followUp.body)")
            #expect(
                records.contains { $0["stage"] as? String == "follow_up" && $0["decision"] as? String == "delivered" }
            )
        }
    }

    @Test func oneDeliverySentElevenTimesMakesOneRunAndElevenIdenticalAnswers() async throws {
        try await Self.withWebhookStack { harness, _, _ in
            let delivery = try await Self.standardWebhook(harness, id: "msg_2Kq9", runID: "run_failed_2")
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await harness.postWebhook("std", body: delivery.body, headers: delivery.headers)
                    }
                }
                var answers: [(Int, String)] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            let late = try await harness.postWebhook("std", body: delivery.body, headers: delivery.headers)
            let all = answers + [late]
            #expect(all.count == 11)
            #expect(Set(all.map(\.0)) == [202])
            #expect(Set(all.map(\.1)).count == 1, "answers differ: \(Set(all.map(\.1)))")
            #expect(Self.json(late.1)["status"] as? String == "accepted")

            // Let the one replay finish, then check Strait saw exactly one.
            _ = try await harness.eventually { try await harness.simulatorReplayTotal() > 0 }
            let counts = try await harness.simulatorJSON("/_sim/replays")
            #expect((counts["total"] as? NSNumber)?.intValue == 1)
            let records = try await Self.auditRecords(harness)
            #expect(records.filter { $0["stage"] as? String == "duplicate" }.count == 10)
            // The delivery's own record is appended without waiting, ahead of the replay's: both were durable
            // before the first answer, and the log keeps their order.
            let verified = records.firstIndex { $0["stage"] as? String == "verified" }
            let received = records.firstIndex {
                $0["kind"] as? String == "replay" && $0["stage"] as? String == "received"
            }
            #expect(records.filter { $0["stage"] as? String == "verified" }.count == 1)
            #expect(
                verified.flatMap { first in received.map { first < $0 } } == true,
                "verified \(String(describing: verified)), received \(String(describing: received))"
            )
        }
    }

    @Test func aFailedRunIsReplayedOnceAndItsReplayFailingAgainStopsAtTheLimit() async throws {
        try await Self.withWebhookStack(maxAutomaticReplays: 1) { harness, _, _ in
            let first = try await Self.straitNotification(harness, runID: "run_failed_1", delivery: "dlv-1")
            #expect(first.status == 202, "\(first.body)")
            #expect(Self.json(first.body)["status"] as? String == "accepted")
            // The replay settles and replayd notes which run it created.
            let lineage = await harness.daemon?.waitForStderr { $0.contains("automatic replay lineage recorded") }
            #expect(lineage != nil)
            let records = try await Self.auditRecords(harness)
            let newRun = try #require(
                records.first { $0["stage"] as? String == "outcome" && $0["door"] as? String == "strait" }?[
                    "new_run_id"
                ] as? String
            )

            // Strait notifies that the replayed run failed too: the original run's budget is spent.
            let second = try await Self.straitNotification(harness, runID: newRun, delivery: "dlv-2")
            #expect(second.status == 200, "\(second.body)")
            let answer = Self.json(second.body)
            #expect(answer["status"] as? String == "ignored")
            #expect((answer["reason"] as? [String: Any])?["code"] as? String == "max_replays_reached")
            // Strait retries the first delivery: answered as before, nothing new.
            let retried = try await Self.straitNotification(harness, runID: "run_failed_1", delivery: "dlv-1")
            #expect(retried.body == first.body)
            #expect(try await harness.simulatorReplayTotal() == 1)
        }
    }

    @Test func aGitHubPingAndADiscordPingAreAnsweredWithoutAReplay() async throws {
        try await Self.withWebhookStack { harness, _, discordKey in
            let ping = #"{"zen":"Keep it logically awesome.","hook_id":42,"hook":{"type":"Repository"}}"#
            let pingSignature = try await harness.opensslHMACHex(secret: Self.secrets["GITHUB_SECRET"] ?? "", ping)
            let github = try await harness.postWebhook(
                "gh",
                body: ping,
                headers: [
                    ("Content-Type", "application/json"), ("X-GitHub-Event", "ping"), ("X-GitHub-Delivery", "d-ping"),
                    ("X-GitHub-Hook-ID", "42"), ("X-Hub-Signature-256", "sha256=\(pingSignature)"),
                ]
            )
            #expect(github.status == 200)
            #expect(Self.json(github.body)["message"] as? String == "pong")

            let timestamp = EndToEndHarness.unixNow
            let discordPing = #"{"type":1,"id":"1100","application_id":"9","token":"tok","version":1}"#
            let signature = try await harness.opensslEd25519SignHex(pem: discordKey, timestamp + discordPing)
            let discord = try await harness.postWebhook(
                "discord",
                body: discordPing,
                headers: [
                    ("Content-Type", "application/json"), ("X-Signature-Ed25519", signature),
                    ("X-Signature-Timestamp", timestamp),
                ]
            )
            #expect(discord.status == 200)
            #expect(Self.json(discord.body)["type"] as? Int == 1)
            // Discord also sends a deliberately bad signature and expects 401.
            let probe = try await harness.postWebhook(
                "discord",
                body: discordPing,
                headers: [
                    ("Content-Type", "application/json"),
                    ("X-Signature-Ed25519", String(repeating: "0", count: 128)), ("X-Signature-Timestamp", timestamp),
                ]
            )
            #expect(probe.status == 401)
            #expect(try await harness.simulatorRequestTotal() == 0)
        }
    }

    @Test func aDiscordCommandGetsADeferredAnswerAndAFollowUp() async throws {
        try await Self.withWebhookStack { harness, capture, discordKey in
            let timestamp = EndToEndHarness.unixNow
            let command =
                #"{"type":2,"id":"1200","application_id":"9","token":"interaction-token","guild_id":"111","#
                + #""member":{"user":{"id":"222","username":"alice"}},"data":{"name":"replay","options":[{"name":"run","#
                + #""type":1,"options":[{"name":"run","type":3,"value":"run_failed_2"}]}]}}"#
            let signature = try await harness.opensslEd25519SignHex(pem: discordKey, timestamp + command)
            let answer = try await harness.postWebhook(
                "discord",
                body: command,
                headers: [
                    ("Content-Type", "application/json"), ("X-Signature-Ed25519", signature),
                    ("X-Signature-Timestamp", timestamp),
                ]
            )
            #expect(answer.status == 200, "\(answer.body)")
            #expect(Self.json(answer.body)["type"] as? Int == 5)
            let followUp = try #require(await capture.waitFor { $0.path == "/api/webhooks/9/interaction-token" })
            let records = try await Self.auditRecords(harness)
            let newRun = try #require(
                records.first { $0["stage"] as? String == "outcome" && $0["door"] as? String == "discord" }?[
                    "new_run_id"
                ] as? String
            )
            #expect((Self.json(followUp.body)["content"] as? String)?.contains(newRun) == true, "\(followUp.body)")
        }
    }

    @Test func rejectedSignaturesAreAuditedWithTheirReasonsAndNoSecretLeaks() async throws {
        try await Self.withWebhookStack { harness, capture, _ in
            let url = capture.url("/never")
            // A body changed by one byte after signing.
            let timestamp = EndToEndHarness.unixNow
            let form = "team_id=T1&user_id=U1&command=%2Freplay&text=run_failed_1&response_url=x&trigger_id=t1"
            let signature = try await harness.opensslHMACHex(
                secret: Self.secrets["SLACK_SECRET"] ?? "",
                "v0:\(timestamp):\(form)"
            )
            let tampered = try await harness.postWebhook(
                "slack",
                body: form.replacingOccurrences(of: "run_failed_1", with: "run_failed_2"),
                headers: [("X-Slack-Request-Timestamp", timestamp), ("X-Slack-Signature", "v0=\(signature)")]
            )
            #expect(tampered.status == 401)
            // The wrong secret, a timestamp outside the window, and an unknown key id (signature version).
            let wrongSecret = try await Self.slackCommand(
                harness,
                text: "run_failed_1",
                trigger: "t2",
                responseURL: url,
                secret: "not-the-secret"
            )
            #expect(wrongSecret.status == 401)
            let stale = try await Self.slackCommand(
                harness,
                text: "run_failed_1",
                trigger: "t3",
                responseURL: url,
                timestamp: String(Int(Date().timeIntervalSince1970) - 3600)
            )
            #expect(stale.status == 401)
            let unknownVersion = try await harness.postWebhook(
                "slack",
                body: form,
                headers: [("X-Slack-Request-Timestamp", timestamp), ("X-Slack-Signature", "v1=\(signature)")]
            )
            #expect(unknownVersion.status == 401)
            // An unmapped Slack user is denied in the channel, and that is audited too.
            let stranger = try await Self.slackCommand(
                harness,
                text: "run_failed_1",
                trigger: "t4",
                responseURL: url,
                user: "U999"
            )
            #expect(stranger.status == 200)
            #expect((Self.json(stranger.body)["text"] as? String)?.contains("T1/U999") == true)

            let reasons = try await Self.auditRecords(harness)
                .filter { $0["kind"] as? String == "denial" }
                .compactMap { $0["reason"] as? String }
            for code in ["bad_signature", "stale_timestamp", "unknown_key_id"] {
                #expect(reasons.contains { $0.hasPrefix("signature \(code)") }, "no denial for \(code): \(reasons)")
            }
            #expect(reasons.contains { $0.hasPrefix("unmapped_sender") })
            #expect(try await harness.simulatorRequestTotal() == 0)

            // No secret anywhere: answers, process output, or the audit segments and state files.
            await harness.stop()
            var written = harness.everythingWritten + tampered.body + wrongSecret.body + stale.body
            let files = FileManager.default.enumerator(atPath: harness.directory + "/state")
            while let file = files?.nextObject() as? String {
                if let data = FileManager.default.contents(atPath: harness.directory + "/state/" + file) {
                    written += String(decoding: data, as: UTF8.self)
                }
            }
            for (name, secret) in Self.secrets {
                #expect(!written.contains(secret), "\(name) leaked")
            }
        }
    }
}

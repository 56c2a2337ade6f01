import Foundation
import Testing

/// Grants through the real daemon: without a grant every door denies and each denial is audited with its reason;
/// reading one's history and the audit tail over the socket follows `read`, `read_all` and `audit_read`; and a
/// config from before grants is refused by `config check` with the block to add.
@Suite(.timeLimit(.minutes(10))) struct GrantsEndToEndTests {
    typealias Stack = WebhookEndToEndTests

    /// A grant that names neither the socket's tester nor the chat user alice.
    static let automationOnly = """
        [[grants]]
        name = "automation-reads"
        to = ["automation"]
        allow = ["read"]
        """

    @Test func withoutAGrantEveryDoorDeniesAndEachDenialIsAuditedWithItsReason() async throws {
        try await Stack.withWebhookStack(grants: Self.automationOnly) { harness, capture, _ in
            // The socket: a mapped uid without a grant.
            let socket = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
            #expect(socket.status == 4, "\(socket.stdout)\(socket.stderr)")
            #expect((socket.stdout + socket.stderr).contains("no grant gives tester `replay`"))
            let status = try await harness.socketRequest("GET", "/v1/gateway/status")
            #expect(status.status == 403)
            #expect(status.body.contains("no grant gives tester `read`"))

            // Slack: a mapped chat user without a grant is told why, now.
            let slack = try await Stack.slackCommand(
                harness,
                text: "run_failed_1",
                trigger: "trigger-denied",
                responseURL: capture.url("/slack/response/denied")
            )
            #expect(slack.status == 200)
            #expect(slack.body.contains("no grant gives alice `replay`"), "\(slack.body)")

            // GitHub: a mapped login without a grant.
            let comment =
                #"{"action":"created","comment":{"body":"/replay run_failed_1","user":{"login":"octocat"}},"#
                + #""issue":{"number":1},"repository":{"full_name":"acme/payments"},"sender":{"login":"octocat"}}"#
            let signature = try await harness.opensslHMACHex(secret: Stack.secrets["GITHUB_SECRET"] ?? "", comment)
            let github = try await harness.postWebhook(
                "gh",
                body: comment,
                headers: [
                    ("Content-Type", "application/json"), ("X-GitHub-Event", "issue_comment"),
                    ("X-GitHub-Delivery", "d-denied"), ("X-GitHub-Hook-ID", "7"),
                    ("X-Hub-Signature-256", "sha256=\(signature)"),
                ]
            )
            #expect(github.status == 200)
            #expect(github.body.contains("no grant gives alice `replay`"), "\(github.body)")

            // Nothing reached Strait's replay route, and the audit log says who was denied, where, and why.
            #expect(try await harness.simulatorReplayTotal() == 0)
            let denials = try await Stack.auditRecords(harness).filter { $0["stage"] as? String == "denied" }
            func denial(door: String, reason: String) -> [String: Any]? {
                denials.first { $0["door"] as? String == door && $0["reason"] as? String == reason }
            }
            let bySocket = denial(door: "socket", reason: "forbidden: no grant gives tester `replay`")
            #expect((bySocket?["actor"] as? [String: Any])?["uid"] as? Int == Int(getuid()))
            #expect((bySocket?["actor"] as? [String: Any])?["principal"] as? String == "tester")
            #expect(denial(door: "socket", reason: "forbidden: no grant gives tester `read`") != nil)
            let bySlack = denial(door: "slack", reason: "forbidden: no grant gives alice `replay`")
            #expect((bySlack?["actor"] as? [String: Any])?["auth"] as? String == #"slack_users "T1/U1""#)
            let byGitHub = denial(door: "github", reason: "forbidden: no grant gives alice `replay`")
            #expect((byGitHub?["actor"] as? [String: Any])?["auth"] as? String == #"github_logins "octocat""#)
        }
    }

    @Test func historyAndTheAuditTailFollowReadReadAllAndAuditRead() async throws {
        let harness = try EndToEndHarness()
        do {
            try await harness.startSimulator()
            // First: the tester may replay and read its own replays, not the audit log.
            try harness.writeConfig(
                grants: """
                    [[grants]]
                    name = "tester-replays"
                    to = ["tester"]
                    allow = ["replay", "read"]
                    """
            )
            try await harness.startDaemon()
            let replay = try await harness.replayctl(["replay", "run_failed_1", "--idempotency-key", "hist-1"])
            #expect(replay.status == 0, "\(replay.stderr)")
            let history = try await harness.replayctl(["history", "--since", "1d", "-o", "json"])
            #expect(history.status == 0, "\(history.stderr)")
            let records = (Stack.json(history.stdout)["data"] as? [[String: Any]]) ?? []
            #expect(records.map { $0["key"] as? String } == ["hist-1"])
            #expect(records.first?["state"] as? String == "succeeded")
            let table = try await harness.replayctl(["history", "-o", "table"])
            #expect(table.status == 0)
            #expect(table.stdout.contains("hist-1"))
            let tail = try await harness.replayctl(["audit", "tail", "-o", "json"])
            #expect(tail.status == 4)
            #expect((tail.stdout + tail.stderr).contains("no grant gives tester `audit_read`"), "\(tail.stderr)")
            let since = try await harness.socketRequest("GET", "/v1/replays?since=yesterday")
            #expect(since.status == 400)

            // Then: without `read`, no history; with `audit_read`, the audit tail over the socket, which shows the
            // replay's `received` record naming the grant that allowed it and the denial of the history.
            _ = await harness.daemon?.stop()
            try harness.writeConfig(
                grants: """
                    [[grants]]
                    name = "tester-auditor"
                    to = ["tester"]
                    allow = ["audit_read"]
                    """
            )
            try await harness.startDaemon()
            let refused = try await harness.replayctl(["history", "--since", "1d"])
            #expect(refused.status == 4)
            #expect((refused.stdout + refused.stderr).contains("no grant gives tester `read`"))
            let audit = try await harness.replayctl(["audit", "tail", "-n", "1000", "-o", "json"])
            #expect(audit.status == 0, "\(audit.stderr)")
            let lines = audit.stdout.split(separator: "\n").map { Stack.json(String($0)) }
            let received = lines.first { $0["stage"] as? String == "received" }
            #expect((received?["details"] as? [String: Any])?["grant"] as? String == "tester-replays")
            #expect(
                lines.contains {
                    $0["stage"] as? String == "denied"
                        && $0["reason"] as? String == "forbidden: no grant gives tester `read`"
                }
            )
            let last = try await harness.replayctl(["audit", "tail", "-n", "1", "-o", "table"])
            #expect(last.status == 0)
            #expect(last.stdout.split(separator: "\n").count == 2)
        } catch {
            await harness.stop()
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            throw error
        }
        await harness.stop()
        harness.cleanUp()
    }

    @Test func readAllShowsEveryonesHistory() async throws {
        let harness = try EndToEndHarness()
        do {
            try await harness.startSimulator()
            try harness.writeConfig(
                grants: """
                    [[grants]]
                    name = "tester-operator"
                    to = ["tester"]
                    allow = ["replay", "read", "read_all"]
                    """
            )
            try await harness.startDaemon()
            let replay = try await harness.replayctl(["replay", "run_failed_1", "--idempotency-key", "all-1"])
            #expect(replay.status == 0, "\(replay.stderr)")
            let history = try await harness.socketRequest("GET", "/v1/replays?since=1h&limit=5")
            #expect(history.status == 200)
            #expect(history.body.contains("\"all-1\""))
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
        harness.cleanUp()
    }

    @Test func bulkFilesAndJSONRPCBatchesNeedTheBulkGrant() async throws {
        let harness = try EndToEndHarness()
        do {
            try await harness.startSimulator()
            try harness.writeConfig(
                grants: """
                    [[grants]]
                    name = "single-replays"
                    to = ["tester"]
                    allow = ["replay", "read"]
                    """
            )
            try await harness.startDaemon()
            // One call alone is a replay; the same call in a batch is a bulk replay.
            let single = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body: #"{"jsonrpc":"2.0","id":1,"method":"runs.replay","params":{"run_id":"run_failed_1"}}"#
            )
            #expect(Stack.json(single.body)["result"] != nil, "\(single.body)")
            let batch = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body: #"[{"jsonrpc":"2.0","id":1,"method":"runs.replay","params":{"run_id":"run_failed_1"}},"#
                    + #"{"jsonrpc":"2.0","id":2,"method":"runs.replay","params":{"run_id":"run_failed_2"}}]"#
            )
            let answers = (try JSONSerialization.jsonObject(with: Data(batch.body.utf8))) as? [[String: Any]] ?? []
            #expect(answers.count == 2)
            for answer in answers {
                let error = answer["error"] as? [String: Any]
                #expect(error?["code"] as? Int == -32007)
                #expect((error?["message"] as? String)?.contains("no grant gives tester `bulk`") == true)
            }
            let file = harness.directory + "/runs.txt"
            try "run_failed_1\nrun_failed_2\n".write(toFile: file, atomically: true, encoding: .utf8)
            let bulk = try await harness.replayctl(["replay", "--from-file", file, "-o", "json"])
            #expect(bulk.status == 4, "\(bulk.stdout)\(bulk.stderr)")
            #expect(bulk.stdout.contains("no grant gives tester `bulk`"))
            #expect(try await harness.simulatorReplayTotal() == 1)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
        harness.cleanUp()
    }

    @Test func aConfigFromBeforeGrantsFailsConfigCheckWithTheBlockToAdd() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try harness.writeConfig(upstream: "http://127.0.0.1:9", grants: "")
        let check = try await harness.replayd(
            ["config", "check", harness.configPath],
            environment: ["STRAIT_API_KEY": EndToEndHarness.demoKey]
        )
        #expect(check.status != 0)
        #expect(check.stderr.contains("grants: required key is missing"), "\(check.stderr)")
        #expect(check.stderr.contains("[[grants]]\nname = \"mapped-principals\"\nto = [\"tester\"]\n"))
        let serve = try await harness.replayd(
            ["serve", "--config", harness.configPath],
            environment: ["STRAIT_API_KEY": EndToEndHarness.demoKey]
        )
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("grants: required key is missing"), "\(serve.stderr)")
    }
}

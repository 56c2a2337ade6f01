import Foundation
import Testing

/// The team door end to end: the real `replayd serve` with `[team] listen`, tokens made by the real
/// `replayd token` command (while the daemon runs) and by the socket's `/v1/tokens` routes, and Strait's own
/// request shape sent by `curl` (`Authorization: Bearer`, `Accept: application/json`, no body).
@Suite(.timeLimit(.minutes(10)))
struct TeamDoorEndToEndTests {
    /// 127.0.0.1 (curl) is a trusted proxy, so `X-Forwarded-For` stands for different client addresses.
    static let team = """
        [team]
        listen = "127.0.0.1:0"
        trusted_proxies = ["127.0.0.1/32"]
        failure_threshold = 3
        failure_block = "10m"
        """

    static func withTeamStack(_ body: (EndToEndHarness) async throws -> Void) async throws {
        let harness = try EndToEndHarness()
        do {
            try await harness.startSimulator()
            try harness.writeConfig(webhooks: Self.team, grants: EndToEndHarness.testerAndOperatorGrants)
            try await harness.startDaemon()
            try await body(harness)
        } catch {
            await harness.stop()
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            throw error
        }
        await harness.stop()
        harness.cleanUp()
    }

    @Test func aTokenReplaysWithStraitsRequestShapeUntilRevokedAndNeverAppearsAnywhere() async throws {
        try await Self.withTeamStack { harness in
            let created = try await harness.replayd(
                [
                    "token", "create", "--config", harness.configPath, "--principal", "tester", "--expires", "30d",
                    "--note", "e2e laptop", "-o", "json",
                ]
            )
            #expect(created.status == 0, "\(created.stderr)")
            let json = created.json ?? [:]
            let token = try #require(json["token"] as? String)
            let id = try #require(json["id"] as? String)
            #expect(token.hasPrefix("rpd_") && token.count == 68)

            let replayed = try await harness.teamRequest("/v1/runs/run_failed_1/replay", token: token)
            #expect(replayed.status == 201, "\(replayed.body)")
            let run = (try JSONSerialization.jsonObject(with: Data(replayed.body.utf8))) as? [String: Any]
            #expect(run?["status"] as? String == "queued")
            #expect(run?["triggered_by"] as? String == "manual")

            let listed = try await harness.replayd(["token", "list", "--config", harness.configPath, "-o", "json"])
            #expect(listed.status == 0)
            #expect(listed.stdout.contains(id) && !listed.stdout.contains(token))
            let table = try await harness.replayd(["token", "list", "--config", harness.configPath])
            #expect(table.stdout.contains("e2e laptop") && table.stdout.contains("active"))

            let revoked = try await harness.replayd(["token", "revoke", "--config", harness.configPath, id])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            let refused = try await harness.teamRequest("/v1/runs/run_failed_2/replay", token: token)
            #expect(refused.status == 401)
            #expect(refused.body.contains(#""code":"authentication_required""#))
            #expect(refused.body.contains("token has been revoked"))
            #expect(refused.headers.lowercased().contains("www-authenticate: bearer"))
            #expect(try await harness.simulatorReplayTotal() == 1, "the refused request never reached Strait")

            // The audit log: the creation and revocation (by the CLI, recorded by the daemon), the replay with the
            // token's id as its actor, and the denial with its reason and the token id.
            var audit = ""
            let complete = try await harness.eventually {
                audit = try harness.auditText()
                return audit.contains(#""decision":"created""#) && audit.contains(#""decision":"revoked""#)
                    && audit.contains("token_revoked: \(id) (principal tester)")
            }
            #expect(complete, "audit:\n\(audit.suffix(3000))")
            #expect(audit.contains("token:\(id)"))

            await harness.stop()
            let everything = harness.everythingWritten + (try harness.auditText()) + (try harness.stateFilesText())
            #expect(everything.contains(id))
            // Once: in `replayd token create`'s own output, and nowhere else (no log line, audit record, state file).
            #expect(everything.components(separatedBy: token).count == 2, "the token appears in something written")
            let secret = String(token.dropFirst(4))
            #expect(everything.components(separatedBy: secret).count == 2, "the token's secret part appears")
            #expect(created.stdout.contains(token))
        }
    }

    @Test func anExpiredTokenGets401() async throws {
        try await Self.withTeamStack { harness in
            let created = try await harness.replayd(
                [
                    "token", "create", "--config", harness.configPath, "--principal", "tester", "--expires", "1s",
                    "-o", "json",
                ]
            )
            let token = try #require(created.json?["token"] as? String)
            var last = (status: 0, body: "", headers: "")
            let expired = try await harness.eventually {
                last = try await harness.teamRequest("/v1/runs/run_completed_1/replay", token: token)
                return last.status == 401
            }
            #expect(expired, "\(last)")
            #expect(last.body.contains("token has expired"))
            let audited = try await harness.eventually { try harness.auditText().contains("token_expired") }
            #expect(audited)
        }
    }

    @Test func badTokensFromOneAddressAreThrottledWhileAnotherAddressWorks() async throws {
        try await Self.withTeamStack { harness in
            let created = try await harness.replayd(
                ["token", "create", "--config", harness.configPath, "--principal", "tester", "-o", "json"]
            )
            let token = try #require(created.json?["token"] as? String)
            let attacker = "203.0.113.7"
            for _ in 0..<3 {
                let bad = try await harness.teamRequest(
                    "/v1/runs/run_failed_1/replay",
                    token: "rpd_" + String(repeating: "0", count: 64),
                    forwardedFor: attacker
                )
                #expect(bad.status == 401)
            }
            let blocked = try await harness.teamRequest(
                "/v1/runs/run_failed_1/replay",
                token: token,
                forwardedFor: attacker
            )
            #expect(blocked.status == 429)
            #expect(blocked.headers.lowercased().contains("retry-after: "))
            #expect(blocked.body.contains("too many failed authentication attempts"))
            let other = try await harness.teamRequest(
                "/v1/runs/run_failed_1/replay",
                token: token,
                forwardedFor: "203.0.113.8"
            )
            #expect(other.status == 201, "\(other.body)")
            let missing = try await harness.teamRequest(
                "/v1/runs/run_failed_1/replay",
                token: nil,
                forwardedFor: "203.0.113.9"
            )
            #expect(missing.status == 401)
            #expect(try harness.auditText().contains("token_unknown"))
        }
    }

    @Test func replayctlManagesTokensOnTheSocketAndReplaysThroughTheTeamDoor() async throws {
        try await Self.withTeamStack { harness in
            let created = try await harness.replayctl(
                ["token", "create", "--principal", "tester", "--expires", "1h", "--note", "ctl", "-q"]
            )
            #expect(created.status == 0, "\(created.stderr)")
            let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.hasPrefix("rpd_") && token.count == 68)
            let list = try await harness.replayctl(["token", "list", "-o", "table"])
            #expect(list.status == 0 && list.stdout.contains("ctl") && !list.stdout.contains(token))
            let id = try #require(
                list.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init)
            )

            // Through the team door, with the token from STRAIT_API_KEY (as Strait's clients take it), and from
            // REPLAYD_TOKEN; no socket involved.
            let url = try await harness.teamURL()
            let viaStraitKey = try await harness.run(
                EndToEndHarness.replayctl,
                ["replay", "--server", url, "run_failed_1", "-o", "json"],
                environment: ["STRAIT_API_KEY": token, "REPLAYD_SOCKET": "/nonexistent/replayd.sock"]
            )
            #expect(viaStraitKey.status == 0, "\(viaStraitKey.stdout) \(viaStraitKey.stderr)")
            #expect(viaStraitKey.stdout.contains(#""status""#))
            let viaEnvironment = try await harness.run(
                EndToEndHarness.replayctl,
                ["replay", "run_failed_2", "-o", "json"],
                environment: [
                    "REPLAYD_SERVER": url, "REPLAYD_TOKEN": token, "REPLAYD_SOCKET": "/nonexistent/replayd.sock",
                ]
            )
            #expect(viaEnvironment.status == 0, "\(viaEnvironment.stdout) \(viaEnvironment.stderr)")

            let revoked = try await harness.replayctl(["token", "revoke", id])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            let refused = try await harness.run(
                EndToEndHarness.replayctl,
                ["replay", "--server", url, "run_failed_3", "-o", "json"],
                environment: ["REPLAYD_TOKEN": token]
            )
            #expect(refused.status != 0)
            #expect((refused.stdout + refused.stderr).contains("token has been revoked"))
            await harness.stop()
            #expect(harness.everythingWritten.components(separatedBy: token).count == 2, "only create -q printed it")
        }
    }

    @Test func theSocketRoutesCreateListAndRevokeTokens() async throws {
        try await Self.withTeamStack { harness in
            let created = try await harness.socketRequest(
                "POST",
                "/v1/tokens",
                body: #"{"principal":"tester","expires":"1h","note":"from the socket"}"#
            )
            #expect(created.status == 201, "\(created.body)")
            let json = (try JSONSerialization.jsonObject(with: Data(created.body.utf8))) as? [String: Any]
            let token = try #require(json?["token"] as? String)
            let id = try #require(json?["id"] as? String)
            let listed = try await harness.socketRequest("GET", "/v1/tokens")
            #expect(listed.status == 200 && listed.body.contains(id) && !listed.body.contains(token))
            #expect(try await harness.teamRequest("/v1/runs/run_failed_1/replay", token: token).status == 201)
            let revoked = try await harness.socketRequest("DELETE", "/v1/tokens/\(id)")
            #expect(revoked.status == 200 && revoked.body.contains(#""state":"revoked""#))
            #expect(try await harness.teamRequest("/v1/runs/run_failed_1/replay", token: token).status == 401)
            let unknownPrincipal = try await harness.socketRequest(
                "POST",
                "/v1/tokens",
                body: #"{"principal":"nobody"}"#
            )
            #expect(unknownPrincipal.status == 400)
            // Audited at once, before the answer.
            let audit = try harness.auditText()
            #expect(audit.contains(#""decision":"created""#) && audit.contains(#""decision":"revoked""#))
        }
    }
}

extension EndToEndHarness {
    /// The team listener's base URL, from the daemon's `team listener ready … port=N` line.
    func teamURL() async throws -> String {
        var found: String?
        _ = try await eventually {
            let log = daemon?.stderr ?? ""
            if let line = log.split(separator: "\n").last(where: { $0.contains("team listener ready") }),
                let range = line.range(of: " port="),
                let port = Int(line[range.upperBound...].prefix { $0.isNumber })
            {
                found = "http://127.0.0.1:\(port)"
            }
            return found != nil
        }
        guard let found else { throw HarnessError("the daemon never logged its team listener") }
        return found
    }

    /// `POST path` on the team door the way Strait's CLI sends it: `Accept: application/json`, the bearer token,
    /// no body and no `Content-Type`.
    func teamRequest(
        _ path: String,
        token: String?,
        forwardedFor: String? = nil
    ) async throws -> (status: Int, body: String, headers: String) {
        var arguments = ["-sS", "-i", "--max-time", "600", "-X", "POST", "-H", "Accept: application/json"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let forwardedFor { arguments += ["-H", "X-Forwarded-For: \(forwardedFor)"] }
        arguments.append(try await teamURL() + path)
        let result = try await run("/usr/bin/curl", arguments)
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, parts.dropFirst().joined(separator: "\r\n\r\n"), head)
    }

    /// Every audit segment's text.
    func auditText() throws -> String {
        let auditDirectory = directory + "/state/audit"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: auditDirectory) else { return "" }
        return try names.filter { $0.hasPrefix("audit-") }.sorted().map { name in
            try String(contentsOfFile: auditDirectory + "/" + name, encoding: .utf8)
        }.joined(separator: "\n")
    }

    /// Every file in the state directory (the SQLite database and its WAL included), as Latin-1 text for grepping.
    func stateFilesText() throws -> String {
        let state = directory + "/state"
        var text = ""
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: state)) ?? [] {
            if let data = FileManager.default.contents(atPath: state + "/" + name) {
                text += String(decoding: data, as: UTF8.self) + (String(data: data, encoding: .isoLatin1) ?? "")
            }
        }
        return text
    }
}

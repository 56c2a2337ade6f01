import Foundation
import Testing

/// `[limits]`, `[team]` and `[auth]` reload live on the real daemon (issue 12 item 4, issue 11): after
/// `replayctl reload`, a replay refused 429 before passes, the team door's failed-token throttle and trusted
/// proxies follow the new config, and `restart_needed` names none of them, in the answer and in the audit log.
///
/// Limits are per hour, so real time passing during the test cannot refill them. (The `[team] listen` case checks
/// that what still needs a restart is reported.)
@Suite(.timeLimit(.minutes(10))) struct ReloadLiveSettingsEndToEndTests {
    /// Only the per-principal replay limit (the others off), with `burst`.
    static func limits(burst: Int) -> String {
        """
        per_principal = "1 per 1h, burst \(burst)"
        per_source = "off"
        per_run = "off"
        global = "off"
        """
    }

    /// `replayctl reload -o json`, parsed; fails the test unless it exited 0 and applied.
    static func reload(_ harness: EndToEndHarness) async throws -> [String: Any] {
        let reload = try await harness.replayctl(["reload", "-o", "json"])
        #expect(reload.status == 0, "stdout: \(reload.stdout) stderr: \(reload.stderr)")
        let report = WebhookEndToEndTests.json(reload.stdout)
        #expect(report["result"] as? String == "applied", "\(reload.stdout)")
        return report
    }

    @Test func aLimitsChangeTakesEffectWithoutARestartAndKeepsWhatWasUsed() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig(grants: EndToEndHarness.testerAndOperatorGrants, limits: Self.limits(burst: 1))
        try await harness.startDaemon()
        let daemon = try #require(harness.daemon)

        func replay(_ key: String) async throws -> Int {
            try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: \(key)"]
            ).status
        }
        #expect(try await replay("live-1") == 201)
        #expect(try await replay("live-2") == 429, "burst 1: the second replay is refused")

        // Burst 1 → 3: the one already used stays used, so exactly two more pass (not three: no fresh burst).
        try harness.writeConfig(grants: EndToEndHarness.testerAndOperatorGrants, limits: Self.limits(burst: 3))
        let raised = try await Self.reload(harness)
        #expect((raised["restart_needed"] as? [Any])?.isEmpty == true, "\(raised)")
        #expect(try await replay("live-2") == 201, "refused before the reload, passes after it")
        #expect(try await replay("live-3") == 201)
        #expect(try await replay("live-4") == 429)

        // And back to burst 1: refused at once (the key owes its whole burst).
        try harness.writeConfig(grants: EndToEndHarness.testerAndOperatorGrants, limits: Self.limits(burst: 1))
        let lowered = try await Self.reload(harness)
        #expect((lowered["restart_needed"] as? [Any])?.isEmpty == true, "\(lowered)")
        #expect(try await replay("live-5") == 429)

        // max_keys resizes the limiter's tables in place; the key's state stays.
        try harness.writeConfig(
            grants: EndToEndHarness.testerAndOperatorGrants,
            limits: Self.limits(burst: 1) + "\nmax_keys = 5000"
        )
        let resized = try await Self.reload(harness)
        #expect((resized["restart_needed"] as? [Any])?.isEmpty == true, "\(resized)")
        #expect(try await replay("live-6") == 429)
        #expect(daemon.isRunning)
        await harness.stop()

        let audit = try await WebhookEndToEndTests.auditRecords(harness)
        let reloads = audit.filter { ($0["stage"] as? String) == "reload_applied" }
        #expect(reloads.count == 3)
        // Their records name no restart.
        #expect(reloads.allSatisfy { ($0["details"] as? [String: Any])?["restart_needed"] == nil }, "\(reloads)")
    }

    /// The team door of ``TeamDoorEndToEndTests`` with `failure_threshold` and `trusted_proxies` as given.
    static func team(threshold: Int, trustedProxies: String = #"["127.0.0.1/32"]"#) -> String {
        """
        [team]
        listen = "127.0.0.1:0"
        trusted_proxies = \(trustedProxies)
        failure_threshold = \(threshold)
        failure_block = "10m"

        [auth]
        run_lookup_ttl = "\(threshold == 3 ? "5m" : "1m")"
        """
    }

    @Test func aTeamAndAuthChangeTakesEffectWithoutARestart() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        func write(_ team: String) throws {
            try harness.writeConfig(webhooks: team, grants: EndToEndHarness.testerAndOperatorGrants)
        }
        try write(Self.team(threshold: 3))
        try await harness.startDaemon()
        let created = try await harness.replayd(
            ["token", "create", "--config", harness.configPath, "--principal", "tester", "-o", "json"]
        )
        let token = try #require(created.json?["token"] as? String, "\(created.stderr)")
        let badToken = "rpd_" + String(repeating: "0", count: 64)
        let attacker = "203.0.113.7"
        let first = try await harness.teamRequest(
            "/v1/runs/run_failed_1/replay",
            token: badToken,
            forwardedFor: attacker
        )
        #expect(first.status == 401)

        // failure_threshold 3 → 2 (and [auth] run_lookup_ttl 5m → 1m): the failure already counted stays, so the
        // next bad token blocks the address; under the old threshold it would take two more.
        try write(Self.team(threshold: 2))
        let report = try await Self.reload(harness)
        #expect((report["restart_needed"] as? [Any])?.isEmpty == true, "no [team] or [auth] restart: \(report)")
        let second = try await harness.teamRequest(
            "/v1/runs/run_failed_1/replay",
            token: badToken,
            forwardedFor: attacker
        )
        #expect(second.status == 401)
        let blocked = try await harness.teamRequest(
            "/v1/runs/run_failed_1/replay",
            token: token,
            forwardedFor: attacker
        )
        #expect(blocked.status == 429, "blocked after two failures under the reloaded threshold: \(blocked.body)")

        // trusted_proxies emptied: X-Forwarded-For is no longer believed, so the request counts as 127.0.0.1's
        // own, which is not blocked.
        try write(Self.team(threshold: 2, trustedProxies: "[]"))
        let untrusted = try await Self.reload(harness)
        #expect((untrusted["restart_needed"] as? [Any])?.isEmpty == true, "\(untrusted)")
        let direct = try await harness.teamRequest("/v1/runs/run_failed_1/replay", token: token, forwardedFor: attacker)
        #expect(direct.status == 201, "the proxy's word is ignored now: \(direct.body)")

        // The address is read only at start.
        let current = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try current.replacingOccurrences(of: "listen = \"127.0.0.1:0\"", with: "listen = \"127.0.0.1:1\"")
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        let relisten = try await Self.reload(harness)
        #expect(relisten["restart_needed"] as? [String] == ["[team] listen"], "\(relisten)")
        await harness.stop()
    }
}

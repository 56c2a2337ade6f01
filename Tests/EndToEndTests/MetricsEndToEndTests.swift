import Foundation
import Testing

/// `GET /metrics` on the real daemon, read back with an independent parser (Python's `prometheus_client`): after a
/// known set of replays, an idempotent repeat, refusals and an upstream fault, the counters hold exactly those
/// numbers, and no label carries a run id, key or user id.
@Suite(.timeLimit(.minutes(10))) struct MetricsEndToEndTests {
    @Test func countersMatchWhatWasDoneAndTheTextParsesWithPrometheusClient() async throws {
        try await EndToEndHarness.withStack(grants: EndToEndHarness.testerAndOperatorGrants) { harness in
            // The first attempt for run_failed_2 gets a 503 before Strait commits anything; the retry succeeds.
            // run_timed_out_1's attempt creates its run but is answered 500: reconciliation finds the run.
            _ = try await harness.simulatorJSON(
                "/_sim/faults",
                method: "POST",
                body: #"{"faults":[{"kind":"before_commit","status":503,"count":1,"run_id":"run_failed_2"},"#
                    + #"{"kind":"after_commit","mode":"status_500","count":1,"run_id":"run_timed_out_1"}]}"#
            )
            for (run, key) in [
                ("run_failed_1", "metrics-k1"), ("run_failed_2", "metrics-k2"), ("run_timed_out_1", "metrics-k3"),
            ] {
                let created = try await harness.socketRequest(
                    "POST",
                    "/v1/runs/\(run)/replay",
                    headers: ["Idempotency-Key: \(key)"]
                )
                #expect(created.status == 201, "\(run): \(created.status) \(created.body)")
            }
            let repeated = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: metrics-k1"]
            )
            #expect(repeated.status == 201 || repeated.status == 200, "repeat: \(repeated.status)")
            for _ in 0..<2 {
                let refused = try await harness.socketRequest("POST", "/v1/runs/%ZZ/replay")
                #expect(refused.status == 400)
            }

            let metrics = try await harness.socketRequest("GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers.contains("text/plain; version=0.0.4"))
            let samples = try await parse(metrics.body, harness: harness)

            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                let matching = samples.filter { sample in
                    sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
                }
                return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
            }
            #expect(value("replayd_requests_total", ["door": "socket", "source": "socket"]) == 4)
            #expect(value("replayd_replay_outcomes_total", ["door": "socket", "outcome": "succeeded"]) == 3)
            #expect(value("replayd_replay_outcomes_total") == 3)
            #expect(value("replayd_answers_total", ["decision": "idempotent_replay"]) == 1)
            #expect(value("replayd_idempotency_hits_total", ["door": "socket"]) == 1)
            #expect(value("replayd_upstream_attempts_total", ["status_class": "2xx"]) == 2)
            #expect(value("replayd_upstream_attempts_total", ["status_class": "5xx"]) == 2)
            #expect(value("replayd_upstream_attempts_total") == 4)
            #expect(value("replayd_upstream_latency_seconds_count", ["status_class": "2xx"]) == 2)
            #expect(value("replayd_upstream_latency_seconds_count", ["status_class": "5xx"]) == 2)
            #expect(value("replayd_reconciliations_total", ["result": "found"]) == 1)
            #expect(value("replayd_reconciliations_total") == 1)
            // Audit group commits: every record went through one, and no group is larger than all records.
            let committed = try #require(value("replayd_audit_records_committed"))
            let commits = try #require(value("replayd_audit_group_commits"))
            #expect(committed > 0 && commits > 0 && commits <= committed)
            #expect((value("replayd_audit_group_size_max") ?? 0) >= 1)
            #expect(value("replayd_denials_total", ["door": "socket", "reason": "bad_request"]) == 2)
            #expect(value("replayd_denials_total") == 2)
            #expect((value("replayd_audit_sync_seconds_count") ?? 0) > 0)
            #expect(value("replayd_breaker_state", ["state": "closed"]) == 1)
            #expect(value("replayd_breaker_state", ["state": "open"]) == 0)
            #expect(value("replayd_audit_writable") == 1)

            // Bounded labels: none carries a run id, an idempotency key or the caller's uid.
            let labelValues = samples.flatMap { $0.labels.values }
            #expect(!labelValues.contains { $0.contains("run_") || $0.contains("metrics-k") || $0.contains("uid") })
            #expect(value("replayd_paused") == 0)
            #expect(value("replayd_reloads_total") == nil)

            // Operator actions: an unchanged reload, a pause and a resume are counted, and the pause gauge follows.
            #expect(try await harness.replayctl(["reload"]).status == 0)
            #expect(try await harness.replayctl(["pause", "--source", "socket", "--reason", "deploy"]).status == 0)
            let whilePaused = try await parse(try await harness.socketRequest("GET", "/metrics").body, harness: harness)
            func pausedValue(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                let matching = whilePaused.filter { sample in
                    sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
                }
                return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
            }
            #expect(pausedValue("replayd_paused") == 1)
            #expect(pausedValue("replayd_paused_sources") == 1)
            #expect(pausedValue("replayd_paused_all") == 0)
            #expect(pausedValue("replayd_reloads_total", ["result": "unchanged"]) == 1)
            #expect(pausedValue("replayd_pause_actions_total", ["action": "pause"]) == 1)
            // A replay held by the pause (forced: not coalesced into metrics-k1) is counted at the worker's next sweep
            // (a bounded wait, not a timing check).
            let held = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay?force=true",
                headers: ["Idempotency-Key: metrics-held"]
            )
            #expect(held.status == 202)
            let counted = try await harness.eventually {
                let now = try await parse(try await harness.socketRequest("GET", "/metrics").body, harness: harness)
                return now.contains { $0.name == "replayd_records" && $0.labels["state"] == "held" && $0.value == 1 }
            }
            #expect(counted, "replayd_records{state=held} reaches 1")
            #expect(try await harness.replayctl(["resume"]).status == 0)
            #expect(try await harness.waitForRecord("metrics-held", in: ["succeeded"]).state == "succeeded")
            let released = try await harness.eventually {
                let now = try await parse(try await harness.socketRequest("GET", "/metrics").body, harness: harness)
                return now.contains { $0.name == "replayd_records" && $0.labels["state"] == "held" && $0.value == 0 }
            }
            #expect(released, "replayd_records{state=held} is back to 0")
            let after = try await parse(try await harness.socketRequest("GET", "/metrics").body, harness: harness)
            #expect(after.first { $0.name == "replayd_paused" }?.value == 0)
            #expect(
                after.first { $0.name == "replayd_pause_actions_total" && $0.labels["action"] == "resume" }?.value == 1
            )
        }
    }

    private struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses the exposition with `prometheus_client.parser`, which fails on anything not in the text format.
    /// One verified Standard Webhooks delivery and one with a bad signature: the ack latency histogram counts both
    /// answers, the clock-skew histogram only the verified one (the bad one's timestamp proves nothing).
    @Test func webhookAcksAndSenderClockSkewAreMeasuredPerKind() async throws {
        try await WebhookEndToEndTests.withWebhookStack { harness, _, _ in
            let good = try await WebhookEndToEndTests.standardWebhook(harness, id: "msg_metrics", runID: "run_failed_1")
            let accepted = try await harness.postWebhook("std", body: good.body, headers: good.headers)
            #expect((200..<300).contains(accepted.status), "\(accepted.status) \(accepted.body)")
            let forged = good.headers.map { name, value in
                (name, name.lowercased() == "webhook-signature" ? "v1,AAAA" : value)
            }
            let refused = try await harness.postWebhook("std", body: good.body, headers: forged)
            #expect(refused.status == 401)

            let metrics = try await harness.socketRequest("GET", "/metrics")
            let samples = try await parse(metrics.body, harness: harness)
            func value(_ name: String, _ labels: [String: String]) -> Double? {
                samples.first { sample in
                    sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
                }?.value
            }
            #expect(value("replayd_webhook_ack_seconds_count", ["kind": "standard_webhooks"]) == 2)
            #expect(value("replayd_webhook_clock_skew_seconds_count", ["kind": "standard_webhooks"]) == 1)
            #expect(value("replayd_webhook_acks_late_total", ["kind": "standard_webhooks"]) == nil)
            // The follow-up worker has made its first pass (at start): nothing is owed.
            #expect(value("replayd_followups_pending", [:]) == 0)
            #expect(value("replayd_followups_oldest_pending_age_seconds", [:]) == 0)
        }
    }

    private func parse(_ text: String, harness: EndToEndHarness) async throws -> [Sample] {
        let path = harness.directory + "/metrics.txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            samples = []
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    samples.append({"name": sample.name, "labels": sample.labels, "value": sample.value})
            print(json.dumps(samples))
            """
        let result = try await harness.run("/usr/bin/python3", ["-c", script, path])
        #expect(result.status == 0, "prometheus_client could not parse /metrics: \(result.stderr)\n\(text)")
        let decoded = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [[String: Any]] ?? []
        return decoded.map { entry in
            Sample(
                name: entry["name"] as? String ?? "",
                labels: entry["labels"] as? [String: String] ?? [:],
                value: (entry["value"] as? NSNumber)?.doubleValue ?? .nan
            )
        }
    }
}

/// The optional admin listener: health and metrics on TCP, nothing else, and never on the webhook port.
@Suite(.timeLimit(.minutes(10))) struct AdminListenerEndToEndTests {
    @Test func theAdminListenerServesHealthAndMetricsOnly() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig(
            webhooks: "[admin]\nlisten = \"127.0.0.1:0\"",
            limits: #"global = "100 per 1s, burst 100""#
        )
        try await harness.startDaemon()
        var port: Int?
        _ = try await harness.eventually {
            let log = harness.daemon?.stderr ?? ""
            if let line = log.split(separator: "\n").last(where: { $0.contains("admin listener ready") }),
                let range = line.range(of: " port=")
            {
                port = Int(line[range.upperBound...].prefix { $0.isNumber })
            }
            return port != nil
        }
        let base = "http://127.0.0.1:\(try #require(port))"
        func get(_ path: String, method: String = "GET") async throws -> String {
            let result = try await harness.run(
                "/usr/bin/curl",
                ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "600", "-X", method, base + path]
            )
            return result.stdout
        }
        #expect(try await get("/v1/health") == "200")
        #expect(try await get("/v1/_ping") == "200")
        #expect(try await get("/metrics") == "200")
        #expect(try await get("/v1/runs/run_failed_1/replay", method: "POST") == "404", "no replay on the admin port")
        #expect(try await get("/metrics", method: "POST") == "405")
        // Every answer, a refusal too, carries the global replay limit as structured fields (http_sfv parses them).
        for (path, method) in [("/v1/_ping", "GET"), ("/v1/health", "GET"), ("/metrics", "GET"), ("/nope", "GET")] {
            let head = try await harness.run(
                "/usr/bin/curl",
                ["-sS", "-o", "/dev/null", "-D", "-", "--max-time", "600", "-X", method, base + path]
            )
            let fields = RateLimitEndToEndTests.fields(head.stdout)
            let policy = try await RateLimitEndToEndTests.parse(harness, try #require(fields["ratelimit-policy"]))
            #expect(policy.map(\.name) == ["global"], "\(path): \(head.stdout)")
            #expect(policy.first?.params["q"] == 100 && policy.first?.params["w"] == 1, "\(path)")
            let state = try await RateLimitEndToEndTests.parse(harness, try #require(fields["ratelimit"]))
            #expect(state.map(\.name) == ["global"], "\(path): \(head.stdout)")
            #expect(state.first?.params["r"] == 100, "\(path): nothing was charged")
        }
        await harness.stop()
    }

    @Test func theAdminListenerMayNotShareTheWebhookAddress() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try harness.writeConfig(
            upstream: "http://127.0.0.1:9",
            webhooks: """
                [admin]
                listen = "127.0.0.1:8787"

                [webhooks]
                listen = "127.0.0.1:8787"

                [[sources]]
                name = "gh"
                kind = "github"
                [[sources.keys]]
                id = "k1"
                secret_env = "GH_SECRET"
                """
        )
        let check = try await harness.replayd(
            ["config", "check", harness.configPath],
            environment: ["STRAIT_API_KEY": EndToEndHarness.demoKey, "GH_SECRET": "x"]
        )
        #expect(check.status == 3, "config check: \(check.stdout) \(check.stderr)")
        #expect((check.stdout + check.stderr).contains("admin.listen"))
    }
}

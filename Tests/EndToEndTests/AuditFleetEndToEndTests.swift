import Audit
import Foundation
import Testing

/// The instance id with the real daemon: every audit record names it, the status route, `replayctl status` and
/// `/metrics` show it, and `replayd audit verify` / `audit tail` take several instances' logs.
@Suite(.timeLimit(.minutes(5))) struct AuditFleetEndToEndTests {
    @Test func recordsStatusAndMetricsNameTheInstanceAndSeveralLogsVerifyAndMerge() async throws {
        try await EndToEndHarness.withStack { harness in
            let hostName = ProcessInfo.processInfo.hostName
            let status = try await harness.socketRequest("GET", "/v1/gateway/status")
            let json = try #require((try? JSONSerialization.jsonObject(with: Data(status.body.utf8))) as? [String: Any])
            let instance = try #require(json["instance"] as? [String: Any], "\(status.body)")
            // No `[state] instance_id`: the default is the host name and 8 hex digits of a hash of `[state] dir`.
            let host = try #require(instance["id"] as? String, "\(instance)")
            let suffix = host.dropFirst(hostName.count + 1)
            #expect(host.hasPrefix(hostName + "-"), "\(host)")
            #expect(suffix.count == 8 && suffix.allSatisfy(\.isHexDigit), "\(host)")
            #expect(instance["registry"] as? Bool == false, "SQLite: no registry")
            #expect(instance["instances"] == nil)
            let table = try await harness.replayctl(["status", "-o", "table"])
            #expect(table.stdout.contains("instance   \(host)"), "\(table.stdout)\(table.stderr)")
            let metrics = try await harness.socketRequest("GET", "/metrics")
            let info = metrics.body.split(separator: "\n").filter { $0.hasPrefix("replayd_instance_info") }
            #expect(info.count == 1, "one series: \(info)")
            #expect(info.first?.hasPrefix("replayd_instance_info{instance=\"\(host)\"} 1") == true, "\(info)")
            #expect(!metrics.body.contains("replayd_live_instances"), "no registry, no live-instances gauge")

            let live = harness.directory + "/state/audit"
            let keyFile = harness.directory + "/state/audit.key"
            let first = try #require(
                try String(contentsOfFile: live + "/" + AuditFiles.segmentName(firstSeq: 1), encoding: .utf8)
                    .split(separator: "\n").first
            )
            let record = try AuditJSONParser.parse(Array(first.utf8))
            #expect(record["instance"]?.stringValue == host)

            // A second instance's log, sealed under the same key (as if copied to every instance).
            let other = harness.directory + "/gw-b/audit"
            try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
            var chain = AuditChain(key: try AuditKey(contentsOf: keyFile), instance: "gw-b")
            let stamp = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
            let lines =
                chain.seal(AuditRecord(kind: .lifecycle, stage: "start", door: "system"), unixNanoseconds: stamp).line
                + chain.seal(AuditRecord(kind: .lifecycle, stage: "stop", door: "system"), unixNanoseconds: stamp + 1)
                .line
            try Data(lines).write(to: URL(fileURLWithPath: other + "/" + AuditFiles.segmentName(firstSeq: 1)))

            let verified = try await harness.replayd(
                ["audit", "verify", "--dir", live, "--dir", other, "--key", keyFile, "-o", "json"]
            )
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            let report = try #require(verified.json, "\(verified.stdout)")
            #expect(report["ok"] as? Bool == true)
            let chains = try #require(report["chains"] as? [[String: Any]])
            #expect(chains.map { $0["instance"] as? String } == [host, "gw-b"])
            #expect(chains[1]["records"] as? Int == 2)

            let text = try await harness.replayd(["audit", "verify", "--dir", live, "--dir", other, "--key", keyFile])
            #expect(text.status == 0)
            #expect(text.stdout.contains("chain \(other) (instance gw-b)"))
            #expect(text.stdout.contains("fleet: 2 of 2 chains intact"))

            // A copy of the live log claims the same instance id: reported, and the check fails.
            let copy = harness.directory + "/copy/audit"
            try FileManager.default.createDirectory(
                atPath: harness.directory + "/copy",
                withIntermediateDirectories: true
            )
            try FileManager.default.copyItem(atPath: live, toPath: copy)
            let twice = try await harness.replayd(["audit", "verify", "--dir", live, "--dir", copy, "--key", keyFile])
            #expect(twice.status == 1, "\(twice.stdout)\(twice.stderr)")
            #expect(twice.stdout.contains("duplicate instance: \(host) is claimed by \(live), \(copy)"))

            // One --checkpoints for two logs is ambiguous: a usage error.
            let ambiguous = try await harness.replayd(
                [
                    "audit", "verify", "--dir", live, "--dir", other, "--key", keyFile, "--checkpoints",
                    live + "/checkpoints.jsonl",
                ]
            )
            #expect(ambiguous.status == 2)

            let tail = try await harness.replayd(["audit", "tail", "--dir", live, "--dir", other, "-o", "table"])
            #expect(tail.status == 0, "\(tail.stderr)")
            let rows = tail.stdout.split(separator: "\n")
            #expect(rows.first?.hasPrefix("INSTANCE") == true)
            #expect(rows.contains { $0.hasPrefix(host + " ") })
            #expect(rows.filter { $0.hasPrefix("gw-b ") }.count == 2)
        }
    }
}

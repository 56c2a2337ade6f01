import Audit
import Foundation
import Synchronization
import Testing

/// The audit log with the real daemon: every request leaves `received` and an outcome, the log verifies offline
/// with `replayd audit verify`, no secret reaches it, and replayd fails closed when it cannot write.
@Suite struct AuditEndToEndTests {
    /// Every line of every audit segment.
    private static func auditLines(_ harness: EndToEndHarness) throws -> [[String: Any]] {
        let directory = harness.directory + "/state/audit"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("audit-") }
        var lines: [[String: Any]] = []
        for name in names.sorted() {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                lines.append((try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:])
            }
        }
        return lines
    }

    private static func auditText(_ harness: EndToEndHarness) throws -> String {
        let directory = harness.directory + "/state/audit"
        return try FileManager.default.contentsOfDirectory(atPath: directory).map {
            (try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8)) ?? ""
        }.joined()
    }

    @Test func replaysAreAuditedWithoutSecretsAndTheLogVerifiesOffline() async throws {
        let sentinelKey = "idem-sentinel-\(UUID().uuidString)"
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon()
        let created = try await harness.replayctl(
            ["replay", "run_failed_1", "--idempotency-key", sentinelKey, "-o", "json"]
        )
        #expect(created.status == 0)
        let newRunID = created.json?["id"] as? String
        let again = try await harness.replayctl(
            ["replay", "run_failed_1", "--idempotency-key", sentinelKey, "-o", "json"]
        )
        #expect(again.status == 0)
        // A refused request (sent past replayctl, which now refuses `../x` itself, exit 3) is audited as denied.
        #expect(try await harness.replayctl(["replay", "../x", "-o", "json"]).status == 3)
        #expect(try await harness.socketRequest("POST", "/v1/runs/%2E%2E%2Fx/replay").status == 400)
        let status = try await harness.replayctl(["status", "-o", "json"])
        #expect((status.json?["audit"] as? [String: Any])?["state"] as? String == "ok")
        await harness.stop()
        let daemonOutput = (harness.daemon?.stdout ?? "") + (harness.daemon?.stderr ?? "")
        #expect(daemonOutput.contains("trace") || daemonOutput.contains("debug"), "the daemon logged at trace")
        #expect(!daemonOutput.contains(sentinelKey), "the idempotency key never reaches a log line")

        let lines = try Self.auditLines(harness)
        func stages(_ kind: String) -> [String] {
            lines.filter { $0["kind"] as? String == kind }.compactMap { $0["stage"] as? String }
        }
        #expect(stages("lifecycle") == ["start", "stop"])
        #expect(stages("replay").filter { $0 == "received" }.count == 2)
        #expect(stages("replay").contains("attempt"))
        let outcome = lines.first { $0["stage"] as? String == "outcome" }
        #expect(outcome?["decision"] as? String == "succeeded")
        #expect(outcome?["new_run_id"] as? String == newRunID)
        let answered = lines.first { $0["stage"] as? String == "answered" }
        #expect(answered?["decision"] as? String == "idempotent_replay")
        let received = lines.first { $0["stage"] as? String == "received" }
        let actor = received?["actor"] as? [String: Any]
        #expect(actor?["uid"] as? Int == Int(getuid()))
        #expect(actor?["principal"] as? String == "tester")
        #expect(stages("denial") == ["denied"], "the bad run id is a denial")

        // The idempotency key is only there as the keyed hash that `audit hash-value` prints.
        let keyFile = harness.directory + "/state/audit.key"
        let hashed = try await harness.replayd(["audit", "hash-value", sentinelKey, "--key", keyFile])
        #expect(hashed.status == 0)
        let hash = hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hash.hasPrefix("hmac-sha256:"))
        #expect(received?["idem_key_hmac"] as? String == hash)
        let text = try Self.auditText(harness)
        #expect(!text.contains(sentinelKey))
        #expect(!text.contains(EndToEndHarness.demoKey))
        #expect(!text.contains(String(EndToEndHarness.demoKey.dropFirst(7))))

        let verify = try await harness.replayd(
            ["audit", "verify", "--dir", harness.directory + "/state/audit", "--key", keyFile]
        )
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        // One flipped byte in the middle of the log is found, with its seq.
        let segment = harness.directory + "/state/audit/audit-00000000000000000001.jsonl"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: segment)))
        let marker = Array(#""run_id":"run_failed_1""#.utf8)
        let start = try #require(
            (0..<(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker }
        )
        let target = start + 10
        bytes[target] = UInt8(ascii: "R")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: segment)
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        let tampered = try await harness.replayd(
            ["audit", "verify", "--dir", harness.directory + "/state/audit", "--key", keyFile]
        )
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("seq") || tampered.stderr.contains("seq"))
    }

    @Test(arguments: ["unusable directory", "disk below the floor"])
    func whenTheAuditLogCannotBeWrittenReplaysGet503AndNothingIsSent(_ failure: String) async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        let blocker = harness.directory + "/not-a-directory"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        switch failure {
        case "unusable directory": try harness.writeConfig(audit: "dir = \"\(blocker)/audit\"")
        default: try harness.writeConfig(audit: "min_free_space = \"1000000GiB\"")
        }
        try await harness.startDaemon()
        let result = try await harness.socketRequest("POST", "/v1/runs/run_failed_1/replay")
        #expect(result.status == 503)
        #expect(result.body.contains("audit_unavailable"))
        #expect(try await harness.simulatorRequestTotal() == 0, "nothing reached Strait")
        let status = try await harness.replayctl(["status", "-o", "json"])
        #expect(status.status == 0, "read-only calls keep working")
        let audit = status.json?["audit"] as? [String: Any]
        if failure == "unusable directory" {
            #expect(audit?["state"] as? String == "degraded")
            #expect((audit?["reason"] as? String)?.contains(blocker) == true)
        }
        await harness.stop()
    }
}

/// `kill -9` while many replays are in flight, then a restart: the log verifies (a torn tail is repaired and the
/// repair recorded), and every request a client saw answered has its `received` and its outcome records.
@Suite struct AuditCrashEndToEndTests {
    @Test func killDashNineUnderLoadLeavesAVerifiableLogWithEveryAcknowledgedRequest() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator(extraArguments: ["--ip-rate-limit", "0", "--key-rate-limit", "0"])
        try harness.writeConfig(replays: "coalesce_window = \"0s\"")
        try await harness.startDaemon()
        let daemon = try #require(harness.daemon)
        let total = 120
        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                group.addTask {
                    let key = "crash-load-\(index)"
                    let result = try await harness.socketRequest(
                        "POST",
                        "/v1/runs/run_failed_1/replay",
                        headers: ["Idempotency-Key: \(key)"]
                    )
                    if result.status == 201 { acknowledged.add(key) }
                }
            }
            // Let a quarter finish, then kill the daemon. Most of the rest are usually still in flight then, but the
            // test does not depend on it: whatever the timing, every answered request must be fully recorded.
            let quarter = try await harness.eventually { acknowledged.count >= total / 4 }
            #expect(quarter, "a quarter of the replays were answered before the daemon was killed")
            kill(daemon.pid, SIGKILL)
            try await group.waitForAll()
        }
        #expect(await daemon.waitForExit() == 137)
        let seen = acknowledged.keys
        #expect(seen.count >= total / 4)

        try await harness.startDaemon()
        await harness.stop()

        let auditDirectory = harness.directory + "/state/audit"
        let keyFile = harness.directory + "/state/audit.key"
        let verify = try await harness.replayd(["audit", "verify", "--dir", auditDirectory, "--key", keyFile])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        let key = try AuditKey(contentsOf: keyFile)
        var stagesByKey: [String: Set<String>] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: auditDirectory) where name.hasPrefix("audit-") {
            let text = try String(contentsOfFile: auditDirectory + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let record = (try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
                if let hash = record["idem_key_hmac"] as? String, let stage = record["stage"] as? String {
                    stagesByKey[hash, default: []].insert(stage)
                }
            }
        }
        for acknowledgedKey in seen {
            let stages = stagesByKey[key.hashValue(acknowledgedKey)] ?? []
            #expect(stages.contains("received"), "\(acknowledgedKey) has no received record")
            #expect(stages.contains("outcome"), "\(acknowledgedKey) has no outcome record")
        }
    }
}

/// Keys whose replay a client saw answered with 201.
private final class Acknowledged: Sendable {
    private let lock = Mutex<[String]>([])
    func add(_ key: String) { lock.withLock { $0.append(key) } }
    var count: Int { lock.withLock { $0.count } }
    var keys: [String] { lock.withLock { $0 } }
}

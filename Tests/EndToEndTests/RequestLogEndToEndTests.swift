import Foundation
import Testing

/// Every log line about a request carries its request id: the door's lines, the engine's, and those of a driver
/// that runs it long after the request was answered (released after a pause and a restart).
@Suite(.timeLimit(.minutes(10))) struct RequestLogEndToEndTests {
    static func objects(_ stderr: String) -> [[String: Any]] {
        stderr.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    static func requestID(_ head: String) -> String? {
        head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("x-request-id:") }
            .map { String($0.dropFirst("x-request-id:".count)).trimmingCharacters(in: .whitespaces) }
    }

    @Test func everyLineOfARequestCarriesItsRequestIDAlsoAfterAPauseAndARestart() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig(grants: EndToEndHarness.testerAndOperatorGrants)
        let config = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "format = \"text\"", with: "format = \"json\"")
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        try await harness.startDaemon()

        let direct = try await harness.socketRequest("POST", "/v1/runs/run_failed_1/replay")
        #expect(direct.status == 201)
        let directID = try #require(Self.requestID(direct.headers), "\(direct.headers)")

        #expect(try await harness.replayctl(["pause", "--all"]).status == 0)
        let held = try await harness.socketRequest(
            "POST",
            "/v1/runs/run_failed_2/replay",
            headers: ["Idempotency-Key: held-across-restart"]
        )
        #expect(held.status == 202)
        let heldID = try #require(Self.requestID(held.headers))
        let first = try #require(harness.daemon)
        _ = await first.stop()
        try await harness.startDaemon()
        #expect(try await harness.replayctl(["resume"]).status == 0)
        let record = try await harness.waitForRecord("held-across-restart", in: ["succeeded", "failed"])
        #expect(record.state == "succeeded", "\(record.body)")
        let second = try #require(harness.daemon)
        await harness.stop()

        let lines = Self.objects(first.stderr) + Self.objects(second.stderr)
        // Lines about a replay name its run or its key's hash; each also names its request.
        let aboutARequest = lines.filter { $0["run_id"] != nil || $0["key_hmac"] != nil }
        #expect(!aboutARequest.isEmpty)
        for line in aboutARequest {
            #expect(line["request_id"] is String, "no request id: \(line)")
        }
        #expect(lines.contains { $0["request_id"] as? String == directID })
        // The released driver ran in the second process, which never saw the request: its lines still carry it.
        let released = Self.objects(second.stderr).filter { $0["key_hmac"] != nil }
        #expect(!released.isEmpty)
        #expect(released.allSatisfy { $0["request_id"] as? String == heldID }, "\(released)")
    }
}

import Foundation
import Testing

/// `[log] format = "json"` on the real daemon: every line is one JSON object, numbers are numbers, and slashes in
/// paths are not escaped.
@Suite(.timeLimit(.minutes(10))) struct JSONLogEndToEndTests {
    @Test func jsonLinesCarryNumbersAsNumbersAndUnescapedPaths() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        let config = try String(contentsOfFile: harness.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "format = \"text\"", with: "format = \"json\"")
            .write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        try await harness.startDaemon()
        let created = try await harness.socketRequest("POST", "/v1/runs/run_failed_1/replay")
        #expect(created.status == 201)
        await harness.stop()

        let lines = (harness.daemon?.stderr ?? "").split(separator: "\n")
        #expect(!lines.isEmpty)
        var objects: [[String: Any]] = []
        for line in lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not one JSON object: \(line)")
            if let object { objects.append(object) }
        }
        let listening = try #require(objects.first { $0["msg"] as? String == "listening on unix socket" })
        #expect(listening["max_connections"] is NSNumber, "\(listening)")
        #expect((listening["max_connections"] as? NSNumber)?.intValue == 64)
        #expect(listening["path"] as? String == harness.socketPath)
        #expect(!lines.contains { $0.contains(#"\/"#) }, "slashes are written as they are")
        #expect(lines.contains { $0.contains(#""path":"\#(harness.socketPath)""#) })
    }
}

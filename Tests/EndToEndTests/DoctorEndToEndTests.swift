import Foundation
import Testing

/// `replayd doctor` against the real daemon and the simulator: every check passes on a healthy stack; a key the
/// upstream refuses fails with a fix and a non-zero exit; an invalid config exits 3.
@Suite(.timeLimit(.minutes(5))) struct DoctorEndToEndTests {
    static func findings(_ stdout: String) -> [[String: Any]] {
        let root = (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        return root?["findings"] as? [[String: Any]] ?? []
    }

    @Test func aHealthyStackPassesAndARefusedKeyFailsWithAFix() async throws {
        try await EndToEndHarness.withStack { harness in
            let healthy = try await harness.replayd(
                ["doctor", "--config", harness.configPath, "-o", "json"],
                environment: ["STRAIT_API_KEY": EndToEndHarness.demoKey]
            )
            #expect(healthy.status == 0, "\(healthy.stdout) \(healthy.stderr)")
            let found = Self.findings(healthy.stdout)
            let checks = Set(found.compactMap { $0["check"] as? String })
            #expect(checks.isSuperset(of: ["config", "files", "upstream", "clock", "socket", "disk"]), "\(checks)")
            let socket = found.first { $0["check"] as? String == "socket" }
            #expect(socket?["status"] as? String == "ok", "\(healthy.stdout)")
            #expect((socket?["message"] as? String)?.contains("you can connect") == true)
            #expect(found.first { $0["check"] as? String == "upstream" }?["status"] as? String == "ok")
            #expect(!healthy.stdout.contains("max_connections_per_uid"), "the defaults leave room for other users")

            // One uid allowed every connection: a warning that names both settings and the fix (still exit 0).
            let greedy = harness.directory + "/greedy.toml"
            let config = try String(contentsOfFile: harness.configPath, encoding: .utf8)
            try config.replacingOccurrences(
                of: "[socket]\n",
                with: "[socket]\nmax_connections = 8\nmax_connections_per_uid = 8\n"
            )
            .write(toFile: greedy, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: greedy)
            let warned = try await harness.replayd(
                ["doctor", "--config", greedy],
                environment: ["STRAIT_API_KEY": EndToEndHarness.demoKey]
            )
            #expect(warned.status == 0, "\(warned.stdout) \(warned.stderr)")
            #expect(
                warned.stdout.contains("max_connections_per_uid (8) is not below max_connections (8)"),
                "\(warned.stdout)"
            )
            #expect(warned.stdout.contains("fix: set [socket] max_connections_per_uid below max_connections"))

            let refused = try await harness.replayd(
                ["doctor", "--config", harness.configPath],
                environment: ["STRAIT_API_KEY": "strait_" + String(repeating: "f", count: 64)]
            )
            #expect(refused.status == 1, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stdout.contains("FAIL  upstream"), "\(refused.stdout)")
            #expect(refused.stdout.contains("fix: put a valid key"), "\(refused.stdout)")
            #expect(!harness.everythingWritten.contains(String(repeating: "f", count: 64)), "the key is never shown")

            let broken = harness.directory + "/broken.toml"
            try "[upstream\n".write(toFile: broken, atomically: true, encoding: .utf8)
            let invalid = try await harness.replayd(["doctor", "--config", broken, "-o", "json"])
            #expect(invalid.status == 3)
            #expect(Self.findings(invalid.stdout).first?["status"] as? String == "fail")
        }
    }
}

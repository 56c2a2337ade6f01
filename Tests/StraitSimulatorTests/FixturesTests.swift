import Foundation
import Strait
import Testing

@testable import StraitSimulator

/// Loading, validating and the built-in demo fixtures.
@Suite struct FixturesTests {
    private static let configFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/strait-fixtures.json")

    @Test func configFileIsIdenticalToTheBuiltInDemo() throws {
        let loaded = try SimulatorFixtures.load(path: Self.configFile.path)
        let demo = SimulatorFixtures.demo
        #expect(loaded.projects == demo.projects)
        #expect(loaded.jobs == demo.jobs)
        #expect(loaded.apiKeys == demo.apiKeys)
        #expect(loaded.checkpoints == demo.checkpoints)
        #expect(loaded.runs.map(\.id) == demo.runs.map(\.id))
        for (file, builtIn) in zip(loaded.runs, demo.runs) {
            #expect(file == builtIn, "\(file.id)")
            #expect(file.createdAt.rawValue == builtIn.createdAt.rawValue, "\(file.id)")
        }
        #expect(loaded == demo)
    }

    @Test func demoIsValidAndCoversEveryStatus() throws {
        let demo = SimulatorFixtures.demo
        try demo.validate()
        let statuses = Set(demo.runs.map(\.status))
        for status in [
            RunStatus.failed, .timedOut, .crashed, .systemFailed, .completed, .canceled, .expired, .deadLetter,
            .pending, .queued, .delayed, .dequeued, .executing, .waiting,
        ] {
            #expect(statuses.contains(status), "\(status)")
        }
        #expect(demo.apiKeys.first { $0.id == "key_demo_write" }?.key == SimulatorFixtures.demoWriteKey)
        #expect(SimulatorFixtures.demoWriteKey.count == 71)
    }

    @Test(arguments: [
        (#""jobs": [{"id": "j", "project_id": "p", "enabld": true}]"#, "jobs[0].enabld", "unknown field"),
        (#""jobs": [{"id": "j", "project_id": "nope"}]"#, "jobs[0].project_id", #"unknown project "nope""#),
        (
            #""jobs": [{"id": "j", "project_id": "p", "timeout_secs": "x"}]"#, "jobs[0].timeout_secs",
            "must be an integer"
        ),
        (#""runs": [{"id": "r", "project_id": "p"}]"#, "runs[0].status", "is required"),
        (
            #""runs": [{"id": "r", "project_id": "p", "status": "failed"}, {"id": "r", "project_id": "p", "status": "failed"}]"#,
            "runs[1].id", #"duplicate id "r""#
        ),
        (
            #""api_keys": [{"id": "k", "project_id": "p", "key": "strait_ABC"}]"#, "api_keys[0].key",
            #"must be "strait_" followed by 64 lowercase hex characters"#
        ),
        (
            #""api_keys": [{"id": "k", "project_id": "p"}]"#, "api_keys[0]",
            #"give exactly one of "key" and "key_sha256""#
        ),
        (
            #""api_keys": [{"id": "k", "project_id": "p", "key_sha256": "xyz"}]"#, "api_keys[0].key_sha256",
            "must be 64 lowercase hex characters"
        ),
        (#""checkpoints": {"ghost": [{"sequence": 1}]}"#, "checkpoints.ghost", "unknown run"),
        (
            #""runs": [{"id": "r", "project_id": "p", "status": "failed"}], "checkpoints": {"r": [{"sequence": 0}]}"#,
            "checkpoints.r[0].sequence", "must be a positive integer"
        ),
    ])
    func invalidFixturesNameTheField(_ fragment: String, _ field: String, _ message: String) throws {
        var document = #"{"projects": [{"id": "p"}], "#
        for list in ["jobs", "runs"] where !fragment.contains("\"\(list)\": [") {
            document += "\"\(list)\": [], "
        }
        document += fragment + "}"
        let error = #expect(throws: SimulatorError.self) { try SimulatorFixtures.decode(Data(document.utf8)) }
        #expect(error?.code == .invalidFixtures)
        #expect(error?.field == field, "\(String(describing: error))")
        #expect(error?.message == message, "\(String(describing: error))")
    }

    @Test func unreadableAndMalformedFiles() throws {
        let missing = #expect(throws: SimulatorError.self) {
            try SimulatorFixtures.load(path: "/nonexistent/strait-fixtures.json")
        }
        #expect(missing?.code == .unreadableFile)
        let malformed = #expect(throws: SimulatorError.self) { try SimulatorFixtures.decode(Data("{".utf8)) }
        #expect(malformed?.code == .invalidFixtures)
        #expect(malformed?.message.hasPrefix("not valid JSON") == true)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hexDigest(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hexDigest(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        #expect(
            SHA256.hexDigest(of: DemoKeys.hashed)
                == "8940b1c4cf6a079f00652e21b68ee00660362c6356c00de82eb6de5fa24c5ed3"
        )
    }
}

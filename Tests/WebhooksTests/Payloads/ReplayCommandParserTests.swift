import Testing
import Webhooks

struct ReplayCommandParserTests {
    @Test func emptyAndBlankTextAskForHelp() throws {
        #expect(try ReplayCommandParser.parse("") == .help)
        #expect(try ReplayCommandParser.parse("   \t ") == .help)
        #expect(try ReplayCommandParser.parse("help") == .help)
        #expect(try ReplayCommandParser.parse("HELP") == .help)
    }

    @Test func runWithOptionsInAnyOrder() throws {
        let run = "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b"
        #expect(try ReplayCommandParser.parse(run) == .replay(runID: run, fromCheckpoint: nil, force: false))
        #expect(try ReplayCommandParser.parse("\(run) from=3") == .replay(runID: run, fromCheckpoint: 3, force: false))
        #expect(
            try ReplayCommandParser.parse("  \(run)   force  FROM=12 ")
                == .replay(runID: run, fromCheckpoint: 12, force: true)
        )
        #expect(
            try ReplayCommandParser.parse("\(run) from_checkpoint=7")
                == .replay(runID: run, fromCheckpoint: 7, force: false)
        )
    }

    @Test func runIDCaseIsKept() throws {
        #expect(
            try ReplayCommandParser.parse("Run-ABC") == .replay(runID: "Run-ABC", fromCheckpoint: nil, force: false)
        )
    }

    @Test func statusTakesExactlyOneKey() throws {
        #expect(try ReplayCommandParser.parse("status slack:T0001:abc") == .status(key: "slack:T0001:abc"))
        #expect(try ReplayCommandParser.parse("Status k1") == .status(key: "k1"))
        #expect(throws: WebhookPayloadError.self) { try ReplayCommandParser.parse("status") }
        let error = try #require(throws: WebhookPayloadError.self) { try ReplayCommandParser.parse("status a b") }
        #expect(error.code == .invalidCommand)
        #expect(error.field == "text")
    }

    @Test func helpTakesNoArguments() throws {
        let error = try #require(throws: WebhookPayloadError.self) { try ReplayCommandParser.parse("help me") }
        #expect(error.code == .invalidCommand)
    }

    @Test(arguments: [
        ("run-1 from=0", WebhookPayloadError.Code.invalidCheckpoint),
        ("run-1 from=-2", .invalidCheckpoint),
        ("run-1 from=", .invalidCheckpoint),
        ("run-1 from=abc", .invalidCheckpoint),
        ("run-1 from=99999999999999999999", .invalidCheckpoint),
        ("run-1 from=2 from=3", .invalidCommand),
        ("run-1 force force", .invalidCommand),
        ("run-1 --force", .invalidCommand),
        ("run-1 now please", .invalidCommand),
    ])
    func badOptionsAreRefusedWithTheirCode(text: String, code: WebhookPayloadError.Code) throws {
        let error = try #require(throws: WebhookPayloadError.self) { try ReplayCommandParser.parse(text) }
        #expect(error.code == code)
        #expect(error.message.hasPrefix("text: "))
    }

    @Test(arguments: [".", "..", "a/b", "%2e%2e", String(repeating: "x", count: 129)])
    func runIDsFollowStraitsCLIRules(runID: String) throws {
        let error = try #require(throws: WebhookPayloadError.self) { try ReplayCommandParser.parse(runID) }
        #expect(error.code == .invalidRunID)
    }

    @Test func runIDValidationRejectsEmptyAndControlCharacters() throws {
        #expect(throws: WebhookPayloadError.self) { try ReplayCommandParser.validateRunID("", field: "run_id") }
        let error = try #require(throws: WebhookPayloadError.self) {
            try ReplayCommandParser.validateRunID("abc\u{7}def", field: "run_id")
        }
        #expect(error.code == .invalidRunID)
        #expect(error.field == "run_id")
        // The control character is escaped in the message, never copied raw into a log line.
        #expect(!error.message.contains("\u{7}"))
        #expect(error.message.contains("control characters"))
        #expect(try ReplayCommandParser.validateRunID(String(repeating: "x", count: 128), field: "f").count == 128)
    }

    /// ASCII is checked byte by byte and other text by Unicode's categories: both must find a control character.
    @Test(arguments: ["a\u{1}b", "a\u{7F}b", "\u{1F}", "é\u{85}", "run_\u{9F}", "é\u{7}"])
    func aControlCharacterIsRefusedInASCIIAndInOtherText(runID: String) throws {
        let error = try #require(throws: WebhookPayloadError.self) {
            try ReplayCommandParser.validateRunID(runID, field: "run_id")
        }
        #expect(error.message.contains("control characters"))
    }

    @Test func aRunIDBeyondASCIIWithoutControlsIsKept() throws {
        #expect(try ReplayCommandParser.validateRunID("run_é~1", field: "run_id") == "run_é~1")
        #expect(try ReplayCommandParser.validateRunID("run_ABC-9_z", field: "run_id") == "run_ABC-9_z")
    }

    @Test func statusKeysMustBeVisibleASCII() throws {
        #expect(throws: WebhookPayloadError.self) {
            try ReplayCommandParser.validateStatusKey("clé", field: "key")
        }
        #expect(throws: WebhookPayloadError.self) {
            try ReplayCommandParser.validateStatusKey(String(repeating: "k", count: 257), field: "key")
        }
        #expect(try ReplayCommandParser.validateStatusKey("github:1:abc", field: "key") == "github:1:abc")
    }
}

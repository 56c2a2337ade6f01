import Testing

@testable import Strait

@Suite struct InputValidationTests {
    @Test(arguments: [
        ("", "must not be empty"),
        (".", "must not be \".\" or \"..\""),
        ("..", "must not be \".\" or \"..\""),
        ("../x", "must not contain \"/\""),
        ("a/b", "must not contain \"/\""),
        ("%2e%2e", "must not start with \"%\""),
        ("run\u{0}1", "must not contain control characters"),
        ("run\n1", "must not contain control characters"),
        ("run\u{7f}", "must not contain control characters"),
        (String(repeating: "a", count: 129), "must be at most 128 bytes"),
    ])
    func rejectsBadRunIDs(value: String, reason: String) {
        #expect {
            _ = try RunID(value)
        } throws: { error in
            guard let error = error as? StraitInputError else { return false }
            return error.code == .invalidRunID && error.field == "run_id" && error.message.hasSuffix(reason)
        }
    }

    @Test(arguments: [
        "run_failed_1", "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b", "a.b", "x%", String(repeating: "a", count: 128),
    ])
    func acceptsGoodRunIDs(value: String) throws {
        let id = try RunID(value)
        #expect(id.rawValue == value)
    }

    /// Control characters are refused in ASCII ids (checked by byte) and in others (checked by scalar) alike.
    @Test(arguments: ["a\u{00}b", "a\u{1f}", "\u{7f}x", "ü\u{7f}", "ü\u{85}", "\u{9f}é"])
    func refusesControlCharacters(value: String) {
        #expect(throws: StraitInputError.self) { _ = try RunID(value) }
    }

    @Test(arguments: ["ü~", "run\u{a0}1", "日本", "a\u{200b}b"])
    func acceptsNonASCIIWithoutControlCharacters(value: String) throws {
        #expect(try RunID(value).rawValue == value)
    }

    @Test func runIDsArePercentEncodedAsOnePathSegment() throws {
        #expect(try RunID("a b?c#d").pathSegment == "a%20b%3Fc%23d")
        #expect(try RunID("ü").pathSegment == "%C3%BC")
        #expect(try RunID("safe-._~").pathSegment == "safe-._~")
    }

    @Test func controlCharactersAreEscapedInMessages() {
        #expect {
            _ = try RunID("a\u{1b}[31m")
        } throws: { error in
            let message = (error as? StraitInputError)?.message ?? ""
            return !message.contains("\u{1b}") && message.contains("\\u{1B}")
        }
    }

    @Test(arguments: [("1", Int64(1)), ("+3", Int64(3)), ("007", Int64(7)), ("9223372036854775807", Int64.max)])
    func parsesCheckpoints(text: String, value: Int64) throws {
        #expect(try CheckpointSequence(parsing: text).value == value)
    }

    @Test(arguments: ["", "0", "-1", "abc", " 1", "1 ", "1.5", "9223372036854775808", "+", "+-1", "0x10"])
    func rejectsBadCheckpoints(text: String) {
        #expect(throws: StraitInputError.self) {
            _ = try CheckpointSequence(parsing: text)
        }
    }
}

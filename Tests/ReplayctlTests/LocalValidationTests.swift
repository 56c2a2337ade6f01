import ReplayctlKit
import Strait
import Testing

/// The rules replayctl checks before sending are the daemon's own, from `Strait`.
@Suite struct LocalValidationTests {
    @Test func idempotencyKeysFollowTheSharedRule() throws {
        try IdempotencyKeyRule.validate("nightly-42")
        try IdempotencyKeyRule.validate(String(repeating: "k", count: 255))
        for bad in ["", String(repeating: "k", count: 256), "tab\there", "naïve"] {
            #expect(throws: StraitInputError.self) { try IdempotencyKeyRule.validate(bad) }
            #expect(!IdempotencyKeyRule.isValid(bad))
        }
        do {
            try IdempotencyKeyRule.validate("")
        } catch {
            #expect(error.code == .invalidIdempotencyKey)
            #expect(error.field == "idempotency_key")
            #expect(error.message.contains("must not be empty"))
        }
    }

    @Test func aBulkLineWhoseRunIDBreaksTheRulesIsMalformedAndNotSent() {
        let input = BulkInput(text: "a/b\n..\n%41\nrun_ok 2\n")
        #expect(input.entries.map(\.runID) == ["run_ok"])
        #expect(input.errors.map(\.line) == [1, 2, 3])
        #expect(input.errors[0].message.contains("must not contain \"/\""))
    }
}

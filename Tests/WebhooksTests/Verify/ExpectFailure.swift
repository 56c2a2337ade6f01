import Testing
import Webhooks

/// Expects `body` to throw a ``WebhookVerificationError`` with code `expected`, and records what happened
/// otherwise (a verification, or a code that differs).
func expectFailure(
    _ expected: WebhookVerificationError.Code,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> WebhookVerification
) {
    do {
        let verification = try body()
        Issue.record(
            "Verified with key \(verification.keyID); expected \(expected.rawValue). \(comment?.rawValue ?? "")",
            sourceLocation: sourceLocation
        )
    } catch let error as WebhookVerificationError {
        #expect(error.code == expected, "\(error) \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("Unexpected error \(error); expected \(expected.rawValue)", sourceLocation: sourceLocation)
    }
}

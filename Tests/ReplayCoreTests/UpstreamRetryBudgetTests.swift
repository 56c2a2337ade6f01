import ReplayCore
import Strait
import Testing

@Suite struct UpstreamRetryBudgetTests {
    @Test func startsFullAndStopsRetriesAtHalf() {
        let budget = RetryBudget()
        #expect(budget.tokens == 10)
        #expect(budget.allowRetry())
        for _ in 0..<4 { budget.recordFailure() }
        #expect(budget.tokens == 6)
        #expect(budget.allowRetry())
        budget.recordFailure()
        #expect(budget.tokens == 5)
        #expect(!budget.allowRetry())
        #expect(!budget.allowRetry())
        #expect(budget.retriesThrottled == 2)
        #expect(
            budget.snapshot
                == RetryBudget.Snapshot(tokens: 5, maxTokens: 10, retriesAllowed: false, retriesThrottled: 2)
        )
    }

    @Test func successesRefillByTheRatioExactly() {
        let budget = RetryBudget()
        for _ in 0..<5 { budget.recordFailure() }
        budget.recordSuccess()
        #expect(budget.tokens == 5.1)
        #expect(budget.allowRetry())
        for _ in 0..<9 { budget.recordSuccess() }
        #expect(budget.tokens == 6)
    }

    @Test func staysWithinZeroAndMax() {
        let budget = RetryBudget(maxTokens: 4, tokenRatio: 0.5)
        for _ in 0..<10 { budget.recordSuccess() }
        #expect(budget.tokens == 4)
        for _ in 0..<10 { budget.recordFailure() }
        #expect(budget.tokens == 0)
        budget.recordSuccess()
        #expect(budget.tokens == 0.5)
    }

    @Test func recordsAttemptsByClass() {
        let budget = RetryBudget()
        budget.record(.refused(status: 404, code: "not_found", retryAfter: nil, retryable: false))
        budget.record(.notSent(.cancelled))
        #expect(budget.tokens == 10)
        budget.record(.refused(status: 429, code: "rate_limited", retryAfter: nil, retryable: true))
        #expect(budget.tokens == 10, "a rate limit is paced, not a failure")
        budget.record(.refused(status: 503, code: "service_unavailable", retryAfter: nil, retryable: true))
        budget.record(.ambiguous(reason: .serverError(status: 500)))
        budget.record(.notSent(.couldNotConnect))
        #expect(budget.tokens == 7)
        budget.record(.created)
        #expect(budget.tokens == 7.1)
    }

    @Test func isConsistentUnderConcurrentUse() async {
        let budget = RetryBudget(maxTokens: 100, tokenRatio: 0.1)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    if index.isMultiple(of: 2) { budget.recordFailure() } else { _ = budget.allowRetry() }
                }
            }
        }
        #expect(budget.tokens == 0)
        #expect(budget.retriesThrottled <= 100)
    }
}

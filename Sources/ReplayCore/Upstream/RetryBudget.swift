import Synchronization

/// Per-upstream retry throttling, as gRPC A6 specifies it: a token bucket that starts full at `maxTokens`
/// (10), loses one token per failed attempt and gains `tokenRatio` (0.1) per success. Retries are allowed only
/// while more than half the tokens remain, so when most calls fail, retries stop adding load.
///
/// Tokens are kept in thousandths, as A6 suggests, so repeated `+0.1` adds up exactly. Thread-safe: share one
/// budget among every caller of the same upstream.
public final class RetryBudget: Sendable {
    /// A snapshot for status pages and metrics.
    public struct Snapshot: Sendable, Hashable {
        /// Tokens now, in [0, maxTokens].
        public var tokens: Double
        /// The bucket's size.
        public var maxTokens: Double
        /// Whether a retry would be allowed now.
        public var retriesAllowed: Bool
        /// Retries refused by the budget so far (`retries_throttled_total`).
        public var retriesThrottled: Int

        /// Creates a snapshot.
        public init(tokens: Double, maxTokens: Double, retriesAllowed: Bool, retriesThrottled: Int) {
            self.tokens = tokens
            self.maxTokens = maxTokens
            self.retriesAllowed = retriesAllowed
            self.retriesThrottled = retriesThrottled
        }
    }

    private struct State {
        var milliTokens: Int
        var retriesThrottled = 0
    }

    private let maxMilliTokens: Int
    private let ratioMilliTokens: Int
    private let state: Mutex<State>

    /// Creates a full budget.
    ///
    /// - Parameters:
    ///   - maxTokens: the bucket's size (at least 1); A6's default is 10.
    ///   - tokenRatio: tokens gained per success, to a thousandth; A6's default is 0.1.
    public init(maxTokens: Int = 10, tokenRatio: Double = 0.1) {
        self.maxMilliTokens = max(1, maxTokens) * 1000
        self.ratioMilliTokens = max(0, Int((tokenRatio * 1000).rounded()))
        self.state = Mutex(State(milliTokens: max(1, maxTokens) * 1000))
    }

    /// Records a successful attempt: `+tokenRatio`, up to `maxTokens`.
    public func recordSuccess() {
        state.withLock { $0.milliTokens = min(maxMilliTokens, $0.milliTokens + ratioMilliTokens) }
    }

    /// Records a failed attempt of a kind that would be retried: `−1`, down to 0.
    public func recordFailure() {
        state.withLock { $0.milliTokens = max(0, $0.milliTokens - 1000) }
    }

    /// Records an attempt by its class. A creation is a success; anything that would be retried or reconciled
    /// (nothing sent, ambiguous, a retryable refusal) is a failure; permanent refusals, local failures and 429
    /// rate limits say nothing about the upstream's health and change nothing (the shared pacer, not this budget,
    /// spaces calls under a rate limit: a burst that meets its limit is not a retry storm).
    public func record(_ outcome: AttemptClass) {
        switch outcome {
        case .created: recordSuccess()
        case .refused(429, _, _, _): break
        case .ambiguous, .refused(_, _, _, true): recordFailure()
        case .notSent(let code) where !code.isLocal: recordFailure()
        case .notSent, .refused, .invalidInput: break
        }
    }

    /// Whether a retry may be sent now (tokens > maxTokens / 2). A refusal is counted in `retriesThrottled`.
    public func allowRetry() -> Bool {
        state.withLock { state in
            guard state.milliTokens * 2 > maxMilliTokens else {
                state.retriesThrottled += 1
                return false
            }
            return true
        }
    }

    /// Tokens now.
    public var tokens: Double { Double(state.withLock { $0.milliTokens }) / 1000 }

    /// Retries refused so far.
    public var retriesThrottled: Int { state.withLock { $0.retriesThrottled } }

    /// The current snapshot.
    public var snapshot: Snapshot {
        state.withLock {
            Snapshot(
                tokens: Double($0.milliTokens) / 1000,
                maxTokens: Double(maxMilliTokens) / 1000,
                retriesAllowed: $0.milliTokens * 2 > maxMilliTokens,
                retriesThrottled: $0.retriesThrottled
            )
        }
    }
}

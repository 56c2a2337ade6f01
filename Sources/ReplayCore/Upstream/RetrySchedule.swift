/// Decides what follows an attempt: retry (and after how long), reconcile, or give up.
///
/// - Nothing sent (``AttemptClass/notSent(_:)``): full-jitter backoff from ``policy``
///   (`random(0, min(maxDelay, baseDelay · 2^(n−1)))`, AWS/gRPC A6).
/// - Retryable refusal (429, 503): the server's `Retry-After` clamped to ``retryAfterRange``
///   (default [1 s, 10 min]) plus up to ``retryAfterJitter`` of itself so callers told the same value do not
///   return together; without the header, the backoff, but at least the range's lower bound.
/// - Ambiguous: ``RetryDecision/reconcile(_:)``, never a blind retry (RFC 9110 §9.2.2, spec §4).
/// - Permanent refusals and local failures: ``RetryDecision/giveUp(_:)``.
///
/// Every retry is bounded twice: by `policy.maxAttempts` (counting the first attempt) and by the overall
/// deadline. A wait that would end after the deadline gives up at once with
/// ``RetryDecision/GiveUpReason/deadlineExceeded(wait:remaining:)`` so an interactive caller can answer 503
/// with a `Retry-After` instead of holding the connection.
///
/// The schedule is pure: time comes in as arguments and randomness from the injected ``JitterSource``.
/// Combine it with ``RetryBudget`` and ``CircuitBreaker`` before actually retrying.
public struct RetrySchedule: Sendable {
    /// The core requirements' backoff: base 250 ms, ×2, cap 30 s, at most 5 attempts including the first.
    public static let standardPolicy = RetryPolicy(
        maxAttempts: 5,
        baseDelay: .milliseconds(250),
        maxDelay: .seconds(30)
    )

    /// Attempts and backoff.
    public var policy: RetryPolicy
    /// The bounds a server's `Retry-After` is clamped to.
    public var retryAfterRange: ClosedRange<Duration>
    /// The largest fraction of a `Retry-After` added as jitter (0.1 adds up to 10 %). Never past the range's top.
    public var retryAfterJitter: Double
    private let jitter: any JitterSource

    /// Creates a schedule.
    ///
    /// - Parameters:
    ///   - policy: attempts and full-jitter backoff.
    ///   - retryAfterRange: the clamp for `Retry-After`; [1 s, 10 min] by default.
    ///   - retryAfterJitter: the fraction of `Retry-After` added at most as jitter, in [0, 1].
    ///   - jitter: the randomness for backoff and jitter.
    public init(
        policy: RetryPolicy = RetrySchedule.standardPolicy,
        retryAfterRange: ClosedRange<Duration> = .seconds(1)...(.seconds(600)),
        retryAfterJitter: Double = 0.1,
        jitter: any JitterSource = SystemJitterSource()
    ) {
        self.policy = policy
        self.retryAfterRange = retryAfterRange
        self.retryAfterJitter = min(max(retryAfterJitter, 0), 1)
        self.jitter = jitter
    }

    /// Decides what follows an attempt.
    ///
    /// - Parameters:
    ///   - outcome: the class of the attempt that just ended.
    ///   - attempts: attempts made so far, including that one (1 after the first).
    ///   - now: the current monotonic time (``ReplayClock/monotonicNow()``).
    ///   - deadline: the monotonic time by which the whole replay must be done, or `nil` for none.
    public func decide(
        after outcome: AttemptClass,
        attempts: Int,
        now: Duration,
        deadline: Duration?
    ) -> RetryDecision {
        let wait: Duration
        switch outcome {
        case .created:
            return .succeeded
        case .invalidInput:
            return .giveUp(.invalidInput)
        case .ambiguous(let reason):
            return .reconcile(reason)
        case .refused(let status, let code, _, false):
            return .giveUp(.refused(status: status, code: code))
        case .notSent(let code) where code.isLocal:
            return .giveUp(.notRetryable(code))
        case .notSent:
            guard attempts < policy.maxAttempts else { return .giveUp(.attemptsExhausted(attempts: attempts)) }
            wait = policy.backoff(retry: attempts, fraction: jitter.nextFraction())
        case .refused(let status, _, let retryAfter, true):
            // A 429 is Strait pacing us, not failing: it is retried after its Retry-After until the deadline,
            // however many there were (the shared pacer keeps them few). Other retryable refusals (503) count.
            guard status == 429 || attempts < policy.maxAttempts else {
                return .giveUp(.attemptsExhausted(attempts: attempts))
            }
            if let retryAfter {
                let clamped = retryAfter.clamped(to: retryAfterRange)
                let spread = clamped * (retryAfterJitter * jitter.nextFraction())
                wait = min(clamped + spread, retryAfterRange.upperBound)
            } else {
                let backoff = policy.backoff(retry: attempts, fraction: jitter.nextFraction())
                wait = min(max(backoff, retryAfterRange.lowerBound), retryAfterRange.upperBound)
            }
        }
        if let deadline, now + wait > deadline {
            return .giveUp(.deadlineExceeded(wait: wait, remaining: max(.zero, deadline - now)))
        }
        return .retry(after: wait)
    }
}

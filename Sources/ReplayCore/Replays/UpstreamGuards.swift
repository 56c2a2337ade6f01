/// The shared protections toward Strait that every replay passes: the pacer (waits its turn under Strait's
/// learned rate limit), the circuit breaker (fails fast while Strait is failing), and the retry budget (stops
/// retry storms). One set per upstream, shared by every door.
public struct UpstreamGuards: Sendable {
    /// Spaces calls under the learned limit and pauses everyone after a 429/503 `Retry-After`.
    public let pacer: UpstreamPacer
    /// Opens after consecutive failures.
    public let breaker: CircuitBreaker
    /// Limits retries to a fraction of successes.
    public let budget: RetryBudget

    /// Creates the guards.
    public init(pacer: UpstreamPacer, breaker: CircuitBreaker, budget: RetryBudget) {
        self.pacer = pacer
        self.breaker = breaker
        self.budget = budget
    }

    /// Guards with the defaults, on `clock`; the pacer draws from `budget` too (shared by a fleet on PostgreSQL).
    public static func standard(
        clock: any ReplayClock,
        breakerFailures: Int = 5,
        breakerOpenTime: Duration = .seconds(30),
        budget: any UpstreamBudget = LocalUpstreamBudget()
    ) -> UpstreamGuards {
        UpstreamGuards(
            pacer: UpstreamPacer(clock: clock, budget: budget),
            breaker: CircuitBreaker(
                configuration: CircuitBreaker.Configuration(
                    failureThreshold: breakerFailures,
                    baseOpenDuration: breakerOpenTime,
                    maxOpenDuration: breakerOpenTime * 10
                ),
                clock: clock
            ),
            budget: RetryBudget()
        )
    }
}

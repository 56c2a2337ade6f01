import Logging

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

    /// Guards with the defaults, on `clock`. The pacer's schedule is `fleet`'s when given (shared by every
    /// instance on the PostgreSQL state), else this process's own; its decisions are logged to `pacerLogger`.
    public static func standard(
        clock: any ReplayClock,
        breakerFailures: Int = 5,
        breakerOpenTime: Duration = .seconds(30),
        fleet: PostgresUpstreamBudget? = nil,
        pacerLogger: Logger? = nil
    ) -> UpstreamGuards {
        let pacer =
            if let fleet {
                UpstreamPacer(clock: clock, fleet: fleet, logger: pacerLogger)
            } else {
                UpstreamPacer(clock: clock, logger: pacerLogger)
            }
        return UpstreamGuards(
            pacer: pacer,
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

import Synchronization

/// A per-upstream circuit breaker in Envoy's outlier-detection style.
///
/// - **Closed**: every call is allowed. `failureThreshold` (5) consecutive failures open it. A failure is a
///   retryable failure: nothing sent (connect, DNS, TLS, timeout before sending), any 5xx, any ambiguous outcome.
///   Any other answer from Strait, including 4xx and 429, is a success: the upstream is there.
/// - **Open** for `baseOpenDuration × timesOpened` (30 s, 60 s, 90 s…), at most `maxOpenDuration` (300 s):
///   ``allow()`` fails fast with ``Admission/rejected(retryAfter:)``.
/// - **Half-open** when that period ends: exactly one call gets ``Admission/probe``; the others are rejected
///   until it reports. A success closes the breaker; a failure opens it again for longer. A probe that never
///   reports (its task vanished) is replaced after `probeTimeout`.
///
/// `timesOpened` starts again from zero once the breaker has stayed closed for `maxOpenDuration`.
/// In half-open, every reported result counts as the probe's, including a late one from before the opening.
/// Time comes from the injected ``ReplayClock``'s monotonic reading.
public final class CircuitBreaker: Sendable {
    /// Thresholds and durations.
    public struct Configuration: Sendable, Hashable {
        /// Consecutive failures that open a closed breaker.
        public var failureThreshold: Int
        /// The first open period; the n-th consecutive opening lasts n times this.
        public var baseOpenDuration: Duration
        /// The longest open period.
        public var maxOpenDuration: Duration
        /// How long a half-open probe may stay unreported before another is let through.
        public var probeTimeout: Duration
        /// The `retryAfter` suggested to calls rejected while a probe is out.
        public var halfOpenRetryAfter: Duration

        /// Creates a configuration; the defaults are the core requirements' (Envoy's) values.
        public init(
            failureThreshold: Int = 5,
            baseOpenDuration: Duration = .seconds(30),
            maxOpenDuration: Duration = .seconds(300),
            probeTimeout: Duration = .seconds(60),
            halfOpenRetryAfter: Duration = .seconds(1)
        ) {
            self.failureThreshold = max(1, failureThreshold)
            self.baseOpenDuration = baseOpenDuration
            self.maxOpenDuration = max(baseOpenDuration, maxOpenDuration)
            self.probeTimeout = probeTimeout
            self.halfOpenRetryAfter = halfOpenRetryAfter
        }
    }

    /// The breaker's state, named as status pages show it.
    public enum State: String, Sendable, Hashable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// The answer to ``allow()``.
    public enum Admission: Sendable, Hashable {
        /// Go ahead.
        case allowed
        /// Go ahead: this call is the one half-open probe. Report its result.
        case probe
        /// Fail fast; try again after `retryAfter`.
        case rejected(retryAfter: Duration)
    }

    /// A snapshot for status pages.
    public struct Snapshot: Sendable, Hashable {
        /// `open` until the open period ends, then `half_open` until a probe succeeds.
        public var state: State
        /// Failures since the last success.
        public var consecutiveFailures: Int
        /// Openings since the breaker last stayed closed for `maxOpenDuration`: the current period's multiplier.
        public var timesOpened: Int
        /// Openings since the breaker was created.
        public var totalOpenings: Int
        /// Monotonic time at which an open breaker lets a probe through; `nil` unless open.
        public var reopensAt: Duration?
        /// Time left until then.
        public var reopensIn: Duration?

        /// Creates a snapshot.
        public init(
            state: State,
            consecutiveFailures: Int,
            timesOpened: Int,
            totalOpenings: Int,
            reopensAt: Duration? = nil,
            reopensIn: Duration? = nil
        ) {
            self.state = state
            self.consecutiveFailures = consecutiveFailures
            self.timesOpened = timesOpened
            self.totalOpenings = totalOpenings
            self.reopensAt = reopensAt
            self.reopensIn = reopensIn
        }
    }

    private enum Phase {
        case closed
        case open(until: Duration)
        /// `probeSince` is when the outstanding probe was let through, `nil` when none is out.
        case halfOpen(probeSince: Duration?)
    }

    private struct Machine {
        var phase = Phase.closed
        var consecutiveFailures = 0
        var timesOpened = 0
        var totalOpenings = 0
        var closedSince: Duration = .zero
    }

    private let configuration: Configuration
    private let clock: any ReplayClock
    private let machine = Mutex(Machine())

    /// Creates a closed breaker.
    public init(configuration: Configuration = Configuration(), clock: any ReplayClock) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Whether a call may go to the upstream now.
    public func allow() -> Admission {
        let now = clock.monotonicNow()
        return machine.withLock { machine in
            switch machine.phase {
            case .closed:
                return .allowed
            case .open(let until) where now < until:
                return .rejected(retryAfter: until - now)
            case .halfOpen(let probeSince?) where now < probeSince + configuration.probeTimeout:
                return .rejected(retryAfter: configuration.halfOpenRetryAfter)
            case .open, .halfOpen:
                machine.phase = .halfOpen(probeSince: now)
                return .probe
            }
        }
    }

    /// Records an answer that shows the upstream is healthy: closes the breaker.
    public func recordSuccess() {
        let now = clock.monotonicNow()
        machine.withLock { machine in
            machine.consecutiveFailures = 0
            if case .closed = machine.phase { return }
            machine.phase = .closed
            machine.closedSince = now
        }
    }

    /// Records a retryable failure: counts toward opening, or re-opens a half-open breaker for longer.
    public func recordFailure() {
        let now = clock.monotonicNow()
        machine.withLock { machine in
            machine.consecutiveFailures += 1
            switch machine.phase {
            case .closed:
                guard machine.consecutiveFailures >= configuration.failureThreshold else { return }
                if now - machine.closedSince >= configuration.maxOpenDuration { machine.timesOpened = 0 }
                open(&machine, now: now)
            case .halfOpen:
                open(&machine, now: now)
            case .open:
                break
            }
        }
    }

    /// Records a call that ended without saying anything about the upstream (cancelled, refused locally): a
    /// half-open probe slot is freed for the next caller.
    public func recordAbandoned() {
        machine.withLock { machine in
            if case .halfOpen = machine.phase { machine.phase = .halfOpen(probeSince: nil) }
        }
    }

    /// Records an attempt by its class: nothing sent (for a network reason), ambiguous and any 5xx refusal
    /// are failures; creations and every other refusal are successes; local failures are abandoned calls.
    public func record(_ outcome: AttemptClass) {
        switch outcome {
        case .created:
            recordSuccess()
        case .refused(let status, _, _, _):
            if status >= 500 { recordFailure() } else { recordSuccess() }
        case .ambiguous:
            recordFailure()
        case .notSent(let code):
            if code.isLocal { recordAbandoned() } else { recordFailure() }
        case .invalidInput:
            recordAbandoned()
        }
    }

    /// The current snapshot.
    public var snapshot: Snapshot {
        let now = clock.monotonicNow()
        return machine.withLock { machine in
            var snapshot = Snapshot(
                state: .closed,
                consecutiveFailures: machine.consecutiveFailures,
                timesOpened: machine.timesOpened,
                totalOpenings: machine.totalOpenings
            )
            switch machine.phase {
            case .closed:
                break
            case .open(let until) where now < until:
                snapshot.state = .open
                snapshot.reopensAt = until
                snapshot.reopensIn = until - now
            case .open, .halfOpen:
                snapshot.state = .halfOpen
            }
            return snapshot
        }
    }

    private func open(_ machine: inout Machine, now: Duration) {
        machine.timesOpened += 1
        machine.totalOpenings += 1
        let period = min(configuration.baseOpenDuration * machine.timesOpened, configuration.maxOpenDuration)
        machine.phase = .open(until: now + period)
    }
}

import Strait

/// How long replayctl waits for a replay's outcome, and how often it asks.
public struct WaitPolicy: Sendable, Hashable {
    /// The whole wait, from the first request (`--wait-timeout`).
    public var waitTimeout: Duration
    /// `false` with `--no-wait`: a 202 or 409 ends the command at once, as pending.
    public var waits: Bool
    /// The delay when the answer names none (`Retry-After` absent or unreadable).
    public var defaultInterval: Duration
    /// The least delay, whatever `Retry-After` says, so `Retry-After: 0` cannot spin.
    public var minimumInterval: Duration
    /// The delays before trying again when the connection to replayd failed before any byte was sent (a full
    /// listen backlog, a restart): always safe, and short, so a daemon that is really down is reported fast.
    public var connectRetryDelays: [Duration]

    /// Creates a policy.
    public init(
        waitTimeout: Duration = .seconds(300),
        waits: Bool = true,
        defaultInterval: Duration = .seconds(1),
        minimumInterval: Duration = .milliseconds(100),
        connectRetryDelays: [Duration] = [.milliseconds(100), .milliseconds(250), .milliseconds(500)]
    ) {
        self.waitTimeout = waitTimeout
        self.waits = waits
        self.defaultInterval = defaultInterval
        self.minimumInterval = minimumInterval
        self.connectRetryDelays = connectRetryDelays
    }

    /// The delay before connecting again after `failures` connections that sent nothing; `nil` to give up.
    public func connectRetryDelay(afterFailures failures: Int) -> Duration? {
        guard failures >= 1, failures <= connectRetryDelays.count else { return nil }
        return connectRetryDelays[failures - 1]
    }

    /// The delay an answer asks for: `Retry-After` (seconds or an HTTP-date) when readable, else the default;
    /// never below the minimum.
    public func interval(retryAfter: String?, nowUnixSeconds: Int64) -> Duration {
        let requested =
            retryAfter.flatMap { RetryAfter(headerValue: $0, nowUnixSeconds: nowUnixSeconds)?.delay }
            ?? defaultInterval
        return max(requested, minimumInterval)
    }

    /// The delay before the next try, cut to what is left of the wait; `nil` when nothing is left.
    public func boundedDelay(retryAfter: String?, elapsed: Duration, nowUnixSeconds: Int64) -> Duration? {
        let remaining = waitTimeout - elapsed
        guard remaining > .zero else { return nil }
        return min(interval(retryAfter: retryAfter, nowUnixSeconds: nowUnixSeconds), remaining)
    }

    /// What to do after an answer to the replay request. A 503 is re-sent only for a request with a key, whose
    /// repeat replayd deduplicates; once the wait is over, it is the result.
    public func decision(
        after answer: ReplayAnswer,
        elapsed: Duration,
        requestHasKey: Bool,
        nowUnixSeconds: Int64
    ) -> WaitDecision {
        switch answer {
        case .created, .failed:
            return .done
        case .inProgress(_, let retryAfter):
            guard waits else { return .stopPending }
            return boundedDelay(retryAfter: retryAfter, elapsed: elapsed, nowUnixSeconds: nowUnixSeconds)
                .map { .resend(after: $0) } ?? .stopPending
        case .overloaded(_, let retryAfter):
            guard requestHasKey else { return .done }
            return boundedDelay(retryAfter: retryAfter, elapsed: elapsed, nowUnixSeconds: nowUnixSeconds)
                .map { .resend(after: $0) } ?? .done
        case .pending(let pending):
            guard waits, !pending.needsOperator else { return .stopPending }
            return nextPoll(retryAfter: pending.retryAfter, elapsed: elapsed, nowUnixSeconds: nowUnixSeconds)
        }
    }

    /// What to do after reading a record that is not final yet.
    public func nextPoll(
        retryAfter: String?,
        elapsed: Duration,
        nowUnixSeconds: Int64,
        needsOperator: Bool = false
    ) -> WaitDecision {
        guard !needsOperator else { return .stopPending }
        return boundedDelay(retryAfter: retryAfter, elapsed: elapsed, nowUnixSeconds: nowUnixSeconds)
            .map { .poll(after: $0) } ?? .stopPending
    }
}

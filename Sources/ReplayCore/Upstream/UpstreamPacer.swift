import Curl
import Strait
import Synchronization

/// The one limiter toward Strait, shared by every door. It learns Strait's per-key limit from responses and
/// spaces calls so a burst finishes about as fast as the limit allows without drawing 429s.
///
/// **Algorithm: GCRA (virtual scheduling) whose burst is re-learned from every response.**
/// With `L` from `X-RateLimit-Limit` and the window `W` (60 s, spec §7), the emission interval is `T = W / L`
/// and the burst is `B = L − reserve`, so the tolerance is `τ = (B − 1)·T`. One value is kept, the theoretical
/// arrival time `TAT`. A call arriving at `now` may go at `s = max(now, TAT − τ)`; then `TAT = max(TAT, s) + T`.
/// The caller sleeps until `s` on the injected clock. Slots are taken in arrival order, so waiters are
/// served first come, first served.
///
/// Each response with `X-RateLimit-Remaining: r` re-anchors `TAT` so that exactly
/// `n = min(B, r − later − reserve)` calls may go at once and the rest follow one per `T`:
/// `TAT = now + τ − (n − 1)·T`. `later` counts the calls let through (or given a slot) *after* the call this
/// response answers: Strait counted `r` before it saw them, so they are not spent twice. Every call carries a
/// ``Ticket`` so that a response is matched to its own call, and a response older than one already observed is
/// not used to re-anchor (with many calls in flight, answers arrive out of order). Hence:
/// - while `Remaining` is plenty, calls are not slowed at all;
/// - when it falls to the reserve, calls are spaced at `W / L`;
/// - below the reserve they are spaced wider (`(reserve − r + 1)·T` for the next one), until Strait's own
///   count recovers. Because every response re-anchors the schedule, an error in the refill assumption
///   never accumulates, whatever window algorithm Strait runs.
///
/// **A 429 once the limit is known** pauses every call, waiting or new, for a *probe interval*: `T` (at least the
/// lower bound of `pauseRange`, 1 s) after the first 429, doubling with each further 429 in a row, capped at
/// `probeCap` (a sixth of the window by default) and never longer than `Retry-After`. Strait's key limiter always answers `Retry-After: <full window>`, which is
/// when the *whole* budget is back, not when the next call fits; pausing everyone for it would waste up to a
/// window. The refused call itself is retried by the engine after its full `Retry-After`, as Strait asks.
/// Any other answer ends the run of 429s.
///
/// A 503, or a 429 before a limit is known, pauses every call until its `Retry-After` (clamped to
/// `pauseRange`, at least its lower bound when the header is missing). After a pause one call goes first and
/// the next follow one per `T` until a response says how much is left.
///
/// Before a limit is learned there is no pacing (only a pause, if one was asked for). The pacer tracks one
/// limit: the one in the latest response that carried the headers.
///
/// **A fleet** of instances on one API key also draws from a shared ``UpstreamBudget`` (injected; by default
/// ``LocalUpstreamBudget``, which adds nothing): a call the pacer lets go then waits for the shared budget's grant,
/// and every response's limit, remaining, reset and pause are shared through it.
public final class UpstreamPacer: Sendable {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// The window the limit applies to; Strait's per-key window is 60 s.
        public var window: Duration
        /// Requests per window kept back as a margin for rounding, other clients and requests in flight.
        public var reserve: Int
        /// The bounds for a pause asked for by `Retry-After`.
        public var pauseRange: ClosedRange<Duration>
        /// The longest probe interval after repeated 429s once the limit is known; `nil` is a sixth of the window.
        public var probeCap: Duration?

        /// Creates a configuration.
        public init(
            window: Duration = .seconds(60),
            reserve: Int = 2,
            pauseRange: ClosedRange<Duration> = .seconds(1)...(.seconds(600)),
            probeCap: Duration? = nil
        ) {
            self.window = window
            self.reserve = max(0, reserve)
            self.pauseRange = pauseRange
            self.probeCap = probeCap
        }
    }

    /// One call let through: pass it back to ``observe(_:status:headers:)`` or ``abandon(_:)``.
    public struct Ticket: Sendable, Hashable {
        /// The call's place in the order calls were let through (or given a slot), from 0.
        public let index: Int
        /// The shared budget's grant for the call.
        public internal(set) var grant = UpstreamBudgetGrant.local
    }

    /// A snapshot for status pages.
    public struct Snapshot: Sendable, Hashable {
        /// The learned limit per window, or `nil` before any response carried one.
        public var limit: Int?
        /// `X-RateLimit-Remaining` of the latest response that had it.
        public var remaining: Int?
        /// The spacing when pacing (`window / limit`).
        public var interval: Duration?
        /// Time left in a `Retry-After` pause, or `nil`.
        public var pausedFor: Duration?
        /// Calls let through and not yet observed.
        public var inFlight: Int
        /// Calls that had to wait for a slot or a pause.
        public var delayedCalls: Int
    }

    private enum Step {
        case go(Ticket)
        case waitForSlot(Ticket, Duration)
        case waitForPause(Duration)
    }

    private struct State {
        var limit: Int?
        var remaining: Int?
        var tat: Duration?
        var pausedUntil: Duration = .zero
        /// Tickets issued so far; the next ticket's index.
        var issued = 0
        /// When each call not yet observed was let through (or given its slot), by ticket index.
        var outstanding: [Int: Duration] = [:]
        /// The newest ticket whose response re-anchored the schedule.
        var newestObserved = -1
        /// 429s in a row since the limit was known, and the newest ticket issued when the last one came (429s
        /// from calls that were already out by then belong to the same round).
        var throttleRounds = 0
        var throttleRoundEnd = -1
        var delayedCalls = 0

        /// Drops calls let through more than a window ago: their responses will not be observed any more.
        mutating func purge(now: Duration, window: Duration) {
            guard outstanding.count > 64 || outstanding.values.contains(where: { now - $0 > window }) else { return }
            outstanding = outstanding.filter { now - $0.value <= window }
        }

        mutating func issue(at now: Duration) -> Ticket {
            let ticket = Ticket(index: issued)
            issued += 1
            outstanding[ticket.index] = now
            return ticket
        }
    }

    private let configuration: Configuration
    private let clock: any ReplayClock
    private let state = Mutex(State())
    private let budget: any UpstreamBudget

    /// Creates a pacer that knows nothing yet.
    ///
    /// - Parameter budget: the budget shared with other instances; ``LocalUpstreamBudget`` (the default) for one.
    public init(
        configuration: Configuration = Configuration(),
        clock: any ReplayClock,
        budget: any UpstreamBudget = LocalUpstreamBudget()
    ) {
        self.configuration = configuration
        self.clock = clock
        self.budget = budget
    }

    /// The shared budget's state (limit, remaining, reset, pause) for status pages; `nil` without a shared budget.
    public func budgetState() async -> UpstreamBudgetState? {
        await budget.state()
    }

    /// Waits until this call may go to Strait. Every call must be followed by ``observe(_:status:headers:)``
    /// with its response, or ``abandon(_:)`` when there was none.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting; the slot is given back.
    @discardableResult
    public func acquire() async throws(CancellationError) -> Ticket {
        var ticket = try await acquireLocally()
        do {
            ticket.grant = try await budget.admit()
        } catch {
            abandon(ticket)
            throw error
        }
        return ticket
    }

    /// Waits for this pacer's own schedule.
    private func acquireLocally() async throws(CancellationError) -> Ticket {
        while true {
            let now = clock.monotonicNow()
            switch state.withLock({ admit(&$0, now: now) }) {
            case .go(let ticket):
                return ticket
            case .waitForPause(let delay):
                try await sleep(delay)
            case .waitForSlot(let ticket, let delay):
                do {
                    try await sleep(delay)
                } catch {
                    state.withLock { _ = $0.outstanding.removeValue(forKey: ticket.index) }
                    throw error
                }
                let woke = clock.monotonicNow()
                let pausedMeanwhile = state.withLock { state -> Bool in
                    guard state.pausedUntil > woke else { return false }
                    state.outstanding.removeValue(forKey: ticket.index)
                    return true
                }
                if !pausedMeanwhile { return ticket }
            }
        }
    }

    /// Learns from the response to `ticket`'s call: the limit and what remains of it, and a pause on 429 or 503.
    public func observe(_ ticket: Ticket, status: Int, headers: HTTPHeaders) {
        let now = clock.monotonicNow()
        let nowSeconds = clock.wallNowMilliseconds() / 1000
        let retryAfter =
            (status == 429 || status == 503)
            ? headers["Retry-After"].flatMap { RetryAfter(headerValue: $0, nowUnixSeconds: nowSeconds) } : nil
        state.withLock { state in
            state.purge(now: now, window: configuration.window)
            state.outstanding.removeValue(forKey: ticket.index)
            if let limit = headers["X-RateLimit-Limit"].flatMap(Self.count), limit > 0 { state.limit = limit }
            let newest = ticket.index > state.newestObserved
            if let limit = state.limit, let remaining = headers["X-RateLimit-Remaining"].flatMap(Self.count), newest {
                state.newestObserved = ticket.index
                state.remaining = remaining
                let shape = shape(limit: limit)
                let later = state.issued - ticket.index - 1
                let available = min(shape.burst, remaining - later - configuration.reserve)
                state.tat = now + shape.tolerance - shape.interval * (available - 1)
            }
            let pause: Duration?
            if status == 429, let limit = state.limit {
                if ticket.index > state.throttleRoundEnd {
                    state.throttleRounds += 1
                    state.throttleRoundEnd = state.issued - 1
                }
                let interval = shape(limit: limit).interval
                let cap = configuration.probeCap ?? configuration.window / 6
                let doubled = interval * (1 << min(20, state.throttleRounds - 1))
                let floor = configuration.pauseRange.lowerBound
                pause = min(max(floor, min(doubled, cap)), max(floor, retryAfter?.delay ?? cap))
            } else if status == 429 || status == 503 {
                pause = retryAfter?.clamped(to: configuration.pauseRange) ?? configuration.pauseRange.lowerBound
            } else {
                if ticket.index > state.throttleRoundEnd { state.throttleRounds = 0 }
                pause = nil
            }
            if let pause {
                state.pausedUntil = max(state.pausedUntil, now + pause)
                if let limit = state.limit { state.tat = state.pausedUntil + shape(limit: limit).tolerance }
            }
        }
        let pausedUntil = state.withLock { $0.pausedUntil }
        budget.learn(
            UpstreamBudgetObservation(
                grant: ticket.grant,
                status: status,
                limit: headers["X-RateLimit-Limit"].flatMap(Self.count),
                remaining: headers["X-RateLimit-Remaining"].flatMap(Self.count),
                resetAt: headers["X-RateLimit-Reset"].flatMap(Self.count).map { Int64($0) },
                pause: (status == 429 || status == 503) && pausedUntil > now ? pausedUntil - now : nil
            )
        )
    }

    /// Forgets a call that got no response (a transport failure), so it no longer counts as in flight.
    public func abandon(_ ticket: Ticket) {
        state.withLock { _ = $0.outstanding.removeValue(forKey: ticket.index) }
    }

    /// The current snapshot.
    public var snapshot: Snapshot {
        let now = clock.monotonicNow()
        return state.withLock { state in
            Snapshot(
                limit: state.limit,
                remaining: state.remaining,
                interval: state.limit.map { configuration.window / $0 },
                pausedFor: state.pausedUntil > now ? state.pausedUntil - now : nil,
                inFlight: state.outstanding.count,
                delayedCalls: state.delayedCalls
            )
        }
    }

    private func admit(_ state: inout State, now: Duration) -> Step {
        state.purge(now: now, window: configuration.window)
        if state.pausedUntil > now {
            state.delayedCalls += 1
            return .waitForPause(state.pausedUntil - now)
        }
        let ticket = state.issue(at: now)
        guard let limit = state.limit else { return .go(ticket) }
        let shape = shape(limit: limit)
        let tat = state.tat ?? now
        let start = max(now, tat - shape.tolerance)
        state.tat = max(tat, start) + shape.interval
        guard start > now else { return .go(ticket) }
        state.delayedCalls += 1
        return .waitForSlot(ticket, start - now)
    }

    private func shape(limit: Int) -> (interval: Duration, burst: Int, tolerance: Duration) {
        let interval = configuration.window / limit
        let burst = max(1, limit - configuration.reserve)
        return (interval, burst, interval * (burst - 1))
    }

    private func sleep(_ delay: Duration) async throws(CancellationError) {
        do {
            try await clock.sleep(for: delay)
        } catch {
            throw CancellationError()
        }
    }

    /// A non-negative header count (`X-RateLimit-*`), ignoring surrounding blanks.
    private static func count(_ text: String) -> Int? {
        let words = text.split { $0 == " " || $0 == "\t" }
        guard words.count == 1, let value = Int(words[0]) else { return nil }
        return max(0, value)
    }
}

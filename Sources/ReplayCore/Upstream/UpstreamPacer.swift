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
/// `n = min(B, r − inFlight − reserve)` calls may go at once and the rest follow one per `T`:
/// `TAT = now + τ − (n − 1)·T`. `inFlight` counts calls let through whose responses have not been observed
/// yet, so they are not spent twice. Hence:
/// - while `Remaining` is plenty, calls are not slowed at all;
/// - when it falls to the reserve, calls are spaced at `W / L`;
/// - below the reserve they are spaced wider (`(reserve − r + 1)·T` for the next one), until Strait's own
///   count recovers. Because every response re-anchors the schedule, an error in the refill assumption
///   never accumulates, whatever window algorithm Strait runs.
///
/// A 429 or 503 pauses every call, waiting or new, until its `Retry-After` (clamped to `pauseRange`, at least
/// its lower bound when the header is missing). After the pause one call goes first and the next follow one
/// per `T` until a response says how much is left.
///
/// Before a limit is learned there is no pacing (only a pause, if one was asked for). The pacer tracks one
/// limit: the one in the latest response that carried the headers.
public final class UpstreamPacer: Sendable {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// The window the limit applies to; Strait's per-key window is 60 s.
        public var window: Duration
        /// Requests per window kept back as a margin for rounding, other clients and requests in flight.
        public var reserve: Int
        /// The bounds for a pause asked for by `Retry-After`.
        public var pauseRange: ClosedRange<Duration>

        /// Creates a configuration.
        public init(
            window: Duration = .seconds(60),
            reserve: Int = 2,
            pauseRange: ClosedRange<Duration> = .seconds(1)...(.seconds(600))
        ) {
            self.window = window
            self.reserve = max(0, reserve)
            self.pauseRange = pauseRange
        }
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
        case go
        case waitForSlot(Duration)
        case waitForPause(Duration)
    }

    private struct State {
        var limit: Int?
        var remaining: Int?
        var tat: Duration?
        var pausedUntil: Duration = .zero
        /// When each call not yet observed was let through (or given its slot), oldest first.
        var inFlight: [Duration] = []
        var delayedCalls = 0

        /// Drops in-flight entries older than a window: their responses will not be observed any more.
        mutating func purge(now: Duration, window: Duration) {
            while let oldest = inFlight.first, now - oldest > window { inFlight.removeFirst() }
        }

        /// Forgets the oldest call in flight (its response arrived, or it never will).
        mutating func releaseOldest() {
            if !inFlight.isEmpty { inFlight.removeFirst() }
        }

        /// Gives back the most recent slot (its waiter was cancelled or paused).
        mutating func releaseNewest() {
            if !inFlight.isEmpty { inFlight.removeLast() }
        }
    }

    private let configuration: Configuration
    private let clock: any ReplayClock
    private let state = Mutex(State())

    /// Creates a pacer that knows nothing yet.
    public init(configuration: Configuration = Configuration(), clock: any ReplayClock) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Waits until this call may go to Strait. Every call must be followed by ``observe(status:headers:)``
    /// with its response, or ``abandon()`` when there was none.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting; the slot is given back.
    public func acquire() async throws(CancellationError) {
        while true {
            let now = clock.monotonicNow()
            switch state.withLock({ admit(&$0, now: now) }) {
            case .go:
                return
            case .waitForPause(let delay):
                try await sleep(delay)
            case .waitForSlot(let delay):
                do {
                    try await sleep(delay)
                } catch {
                    state.withLock { $0.releaseNewest() }
                    throw error
                }
                let woke = clock.monotonicNow()
                let pausedMeanwhile = state.withLock { state -> Bool in
                    guard state.pausedUntil > woke else { return false }
                    state.releaseNewest()
                    return true
                }
                if !pausedMeanwhile { return }
            }
        }
    }

    /// Learns from a response: the limit and what remains of it, and a `Retry-After` pause on 429 or 503.
    public func observe(status: Int, headers: HTTPHeaders) {
        let now = clock.monotonicNow()
        let nowSeconds = clock.wallNowMilliseconds() / 1000
        var pause: Duration?
        if status == 429 || status == 503 {
            let retryAfter = headers["Retry-After"].flatMap { RetryAfter(headerValue: $0, nowUnixSeconds: nowSeconds) }
            pause = retryAfter?.clamped(to: configuration.pauseRange) ?? configuration.pauseRange.lowerBound
        }
        state.withLock { state in
            state.purge(now: now, window: configuration.window)
            state.releaseOldest()
            if let limit = headers["X-RateLimit-Limit"].flatMap(Self.count), limit > 0 { state.limit = limit }
            if let limit = state.limit, let remaining = headers["X-RateLimit-Remaining"].flatMap(Self.count) {
                state.remaining = remaining
                let shape = shape(limit: limit)
                let available = min(shape.burst, remaining - state.inFlight.count - configuration.reserve)
                state.tat = now + shape.tolerance - shape.interval * (available - 1)
            }
            if let pause {
                state.pausedUntil = max(state.pausedUntil, now + pause)
                if let limit = state.limit { state.tat = state.pausedUntil + shape(limit: limit).tolerance }
            }
        }
    }

    /// Forgets a call that got no response (a transport failure), so it no longer counts as in flight.
    public func abandon() {
        state.withLock { $0.releaseOldest() }
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
                inFlight: state.inFlight.count,
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
        state.inFlight.append(now)
        guard let limit = state.limit else { return .go }
        let shape = shape(limit: limit)
        let tat = state.tat ?? now
        let start = max(now, tat - shape.tolerance)
        state.tat = max(tat, start) + shape.interval
        guard start > now else { return .go }
        state.delayedCalls += 1
        return .waitForSlot(start - now)
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

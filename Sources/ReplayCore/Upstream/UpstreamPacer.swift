import Curl
import Logging
import Strait

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
/// - a call never goes while every unit `r` said was left is already spoken for by calls still out, older ones
///   included (Strait may count an older call after the answer that was seen), beyond the one unit per `T`
///   the GCRA assumes has been freed since that answer.
///
/// **Once the window is known: a credit from Strait's own answers, and no probing with real replays.** A 429
/// costs its replay the full `Retry-After` (a whole window: the engine honours it), so drawing 429s to find out
/// when the window turns costs up to a window per probe at the end of a burst. Strait sends no reset time for the
/// key limit. So once an answer shows the window empty but for this pacer's own calls (`r + calls out + 1 ≥ L`),
/// the pacer stops using the GCRA and lets each call go against a *credit*: the `Remaining` of an answer, minus
/// every call Strait may have counted after it (the calls out when that call was sent, and every call let through
/// since). This bound holds however answers are reordered, so a call never goes unless Strait said there was room.
/// - **Fresh window** (Strait's count has only gone up): calls go while the credit lasts. Whatever the window
///   algorithm (the real limiter's fixed window from the first call, an aligned fixed window, or the simulator's
///   aligned sliding counter), the window ends by `E = that answer + W + W/100`. Near the end of the credit (32
///   units or fewer), calls go only if all the callers waiting or in flight fit; otherwise they wait a moment
///   (`2·T`) for the callers of the calls in flight, and if more wait than the credit has left, the rest is
///   **spread**: one call at a time, evenly spaced until `E`, and one at `E`. Each spread call is admitted (it is
///   within the count), and its answer shows whether anything has been freed. Spreading costs nothing: the calls
///   land in the same window either way, and more calls wait than it can take.
/// - **A refill** is an answer whose bound is 2 or more above the most any answer could show without one (the
///   lowest of bound plus looseness, the looseness being the calls that were out around that call). If it shows
///   the window empty again, a new fresh window begins (a fixed window). Otherwise Strait's count is **decaying**:
///   a sliding counter after its window turned frees the previous window's count gradually over the next one.
/// - **Decaying**: the credit is the newest answer's, and it grows from that answer at half the nominal rate
///   (`L/(2W)`, below Strait's true rate unless the previous window held less than a quarter of the limit). A
///   call goes when the credit is at least 2 (one unit to spare for the sliding counter's rounding). Every answer
///   resets the credit to what Strait says, so the burst runs at Strait's true rate, whatever the previous window
///   held, and the low guess costs only a few tenths of a second between answers. A 429 here anchors the credit
///   on that answer and halves the assumed rate (and pauses as below). An answer showing the window empty again
///   starts a fresh window.
/// - A 429 in a fresh window, or nothing freed by `E`, drops the window and falls back to the GCRA and the
///   probing below.
///
/// **A 429 once the limit is known** pauses every call, waiting or new, for a *probe interval*: `T` (at least the
/// lower bound of `pauseRange`, 1 s) after the first 429, doubling with each further 429 in a row, capped at
/// `probeCap` (a sixth of the window by default) and never longer than `Retry-After`. Strait's key limiter always
/// answers `Retry-After: <full window>`, which is when the *whole* budget is back, not when the next call fits; pausing everyone for it would waste up to a
/// window. The refused call itself is retried by the engine after its full `Retry-After`, as Strait asks.
/// Any other answer ends the run of 429s.
///
/// A 503, or a 429 before a limit is known, pauses every call until its `Retry-After` (clamped to
/// `pauseRange`, at least its lower bound when the header is missing). After a pause one call goes first and
/// the next follow one per `T` until a response says how much is left.
///
/// Before a limit is learned there is no pacing (only a pause, if one was asked for). The pacer tracks one
/// limit: the one in the latest response that carried the headers. The decisions themselves live in
/// `PacingSchedule`, a value with time passed in, which the model tests drive with many callers on virtual time.
///
/// **A fleet** of instances on one API key keeps the schedule itself in the database
/// (``init(configuration:clock:fleet:logger:)``, ``PostgresUpstreamBudget``): every decision of every instance
/// runs on that one schedule, in a transaction on its row, on the database's time. The fleet then paces exactly as
/// one instance does (the window, the credit and the probing above, learned from every instance's answers), and
/// fails closed: no decision from the database, no call.
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
        /// The call's place in the order calls were let through (or given a slot), from 0; fleet-wide when the
        /// schedule is shared.
        public let index: Int
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
        /// How long until Strait's current window must have ended, while the pacer knows a bound for it.
        public var windowEndsIn: Duration? = nil
    }

    private let configuration: Configuration
    private let clock: any ReplayClock
    private let logger: Logger?
    private let home: any PacingScheduleHome

    /// Creates the pacer of a single instance, which knows nothing yet.
    ///
    /// - Parameter logger: where the pacer's decisions go (window bounds, spreading and refills at debug level,
    ///   probes at notice level), or `nil` for none.
    public convenience init(
        configuration: Configuration = Configuration(),
        clock: any ReplayClock,
        logger: Logger? = nil
    ) {
        self.init(
            configuration: configuration,
            clock: clock,
            home: LocalScheduleHome(configuration: configuration, clock: clock),
            logger: logger
        )
    }

    /// Creates the pacer of one instance of a fleet: its schedule is `fleet`'s, shared by every instance using the
    /// API key. It sleeps on `clock`; its decisions are on the database's time.
    public convenience init(
        configuration: Configuration = Configuration(),
        clock: any ReplayClock,
        fleet: PostgresUpstreamBudget,
        logger: Logger? = nil
    ) {
        self.init(configuration: configuration, clock: clock, home: fleet, logger: logger)
    }

    init(configuration: Configuration, clock: any ReplayClock, home: any PacingScheduleHome, logger: Logger?) {
        self.configuration = configuration
        self.clock = clock
        self.home = home
        self.logger = logger
    }

    /// The shared budget's state (limit, remaining, pause, the window's end) for status pages; `nil` when the
    /// schedule is not shared.
    public func budgetState() async -> UpstreamBudgetState? {
        await home.state()
    }

    /// Waits until this call may go to Strait. Every call must be followed by ``observe(_:status:headers:)``
    /// with its response, or ``abandon(_:)`` when there was none.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting; the slot is given back.
    @discardableResult
    public func acquire() async throws(CancellationError) -> Ticket {
        home.enter()
        defer { home.leave() }
        while true {
            var step = try await decide { $0.admit(now: $1) }
            while case .waitForSlot(let ticket, let delay) = step {
                let next: PacingSchedule.Step?
                do {
                    try await sleep(delay)
                    next = try await decide { $0.resume(ticket, now: $1) }
                } catch {
                    apply { schedule, _ in schedule.cancel(ticket) }
                    throw error
                }
                guard let next else { break }
                step = next
            }
            switch step {
            case .go(let ticket):
                return ticket
            case .waitForPause(let delay):
                try await sleep(delay)
            case .waitForSlot:
                continue
            }
        }
    }

    /// Learns from the response to `ticket`'s call: the limit and what remains of it, and a pause on 429 or 503.
    public func observe(_ ticket: Ticket, status: Int, headers: HTTPHeaders) {
        let nowSeconds = clock.wallNowMilliseconds() / 1000
        let retryAfter =
            (status == 429 || status == 503)
            ? headers["Retry-After"].flatMap { RetryAfter(headerValue: $0, nowUnixSeconds: nowSeconds) }?.delay : nil
        let limit = headers["X-RateLimit-Limit"].flatMap(Self.count)
        let remaining = headers["X-RateLimit-Remaining"].flatMap(Self.count)
        apply { schedule, now in
            _ = schedule.observe(
                ticket,
                status: status,
                limit: limit,
                remaining: remaining,
                retryAfter: retryAfter,
                now: now
            )
        }
    }

    /// Forgets a call that got no response (a transport failure), so it no longer counts as in flight.
    public func abandon(_ ticket: Ticket) {
        apply { schedule, _ in schedule.abandon(ticket) }
    }

    /// Runs one decision on the schedule (with this pacer's configuration) and logs what it decided.
    private func decide<Result: Sendable>(
        _ body: @escaping @Sendable (inout PacingSchedule, Duration) -> Result
    ) async throws(CancellationError) -> Result {
        try await home.decide { [configuration, logger] schedule, now in
            schedule.configuration = configuration
            let result = body(&schedule, now)
            Self.log(schedule.drainEvents(), logger)
            return result
        }
    }

    /// Applies one change to the schedule (with this pacer's configuration) and logs what it decided.
    private func apply(_ body: @escaping @Sendable (inout PacingSchedule, Duration) -> Void) {
        home.apply { [configuration, logger] schedule, now in
            schedule.configuration = configuration
            body(&schedule, now)
            Self.log(schedule.drainEvents(), logger)
        }
    }

    /// The current snapshot.
    public var snapshot: Snapshot {
        let seen = home.peek { state, now in
            Snapshot(
                limit: state.limit,
                remaining: state.remaining,
                interval: state.limit.map { configuration.window / $0 },
                pausedFor: state.pausedUntil > now ? state.pausedUntil - now : nil,
                inFlight: state.inFlight,
                delayedCalls: state.delayedCalls,
                windowEndsIn: state.windowEndsBy.map { max(.zero, $0 - now) }
            )
        }
        return seen
            ?? Snapshot(limit: nil, remaining: nil, interval: nil, pausedFor: nil, inFlight: 0, delayedCalls: 0)
    }

    private static func log(_ events: [PacingSchedule.Event], _ logger: Logger?) {
        guard let logger else { return }
        for event in events { log(event, logger) }
    }

    private static func log(_ event: PacingSchedule.Event, _ logger: Logger) {
        switch event {
        case .freshWindow(let end):
            logger.debug("pacer: Strait's window is fresh", metadata: ["window_ends_by": "\(end)"])
        case .spreading(let units, let waiting, let next, let end):
            logger.debug(
                "pacer: more calls wait than the window has left; spreading the rest until it must have ended",
                metadata: [
                    "units": "\(units)", "waiting": "\(waiting)", "next_at": "\(next)", "window_ends_by": "\(end)",
                ]
            )
        case .nothingFreedYet(let remaining, let next):
            logger.debug("pacer: nothing freed yet", metadata: ["remaining": "\(remaining)", "next_at": "\(next)"])
        case .refilled(let remaining):
            logger.debug("pacer: Strait freed calls; pacing by Remaining", metadata: ["remaining": "\(remaining)"])
        case .windowModelAbandoned(let reason):
            logger.notice("pacer: Strait's window did not end when bounded; probing", metadata: ["reason": "\(reason)"])
        case .throttled(let pause, let round):
            logger.notice(
                "pacer: 429 under the known limit; probing",
                metadata: ["pause": "\(pause)", "round": "\(round)"]
            )
        }
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

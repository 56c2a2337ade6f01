/// The state machine behind ``UpstreamPacer``: every decision, with time passed in, and no clock, lock or sleep, so
/// that model tests can drive many concurrent callers through it deterministically. ``UpstreamPacer`` owns one
/// behind a mutex and does the sleeping.
///
/// See ``UpstreamPacer`` for the algorithm. A caller's life: ``enter()``, then ``admit(now:)`` until it says
/// `go` (after `waitForPause`, call ``admit(now:)`` again; after `waitForSlot`, call ``resume(_:now:)``, and if
/// it answers `false`, ``admit(now:)`` again), then ``leave()``; the call's answer goes to
/// ``observe(_:status:limit:remaining:retryAfter:now:)``, or ``abandon(_:)`` when there was none.
struct PacingSchedule: Sendable {
    typealias Ticket = UpstreamPacer.Ticket

    /// What a caller does next.
    enum Step: Sendable, Hashable {
        /// Send now.
        case go(Ticket)
        /// Sleep this long, then ``PacingSchedule/resume(_:now:)``: the call holds a slot.
        case waitForSlot(Ticket, Duration)
        /// Sleep this long, then ``PacingSchedule/admit(now:)`` again.
        case waitForPause(Duration)
    }

    /// A decision worth logging (and tracing in model tests).
    enum Event: Sendable, Hashable {
        /// A response showed a window with nothing in it but this pacer's calls: it ends by `windowEndsBy`.
        case freshWindow(windowEndsBy: Duration)
        /// More calls wait than the window has left: what is left is spread until the window must have ended.
        case spreading(units: Int, waiting: Int, nextAt: Duration, windowEndsBy: Duration)
        /// A spread call's answer showed no refill yet; the next goes at `nextAt`.
        case nothingFreedYet(remaining: Int, nextAt: Duration)
        /// Strait's count went down (the window turned or slid): back to pacing by `Remaining`.
        case refilled(remaining: Int)
        /// The window did not behave as bounded (a 429, or nothing freed by its latest end): back to probing.
        case windowModelAbandoned(reason: String)
        /// A 429 once the limit is known: every call waits this probe interval.
        case throttled(pause: Duration, round: Int)
    }

    /// A stretch of time in which Strait's count for the key has only gone up: from a response that showed the
    /// window (nearly) empty. Whatever the window algorithm (fixed from the first call, aligned fixed, aligned
    /// sliding), the window that call was counted in ends within one window of its answer.
    private struct Epoch {
        /// When the answer that showed the empty window arrived.
        var start: Duration
        /// Set once more calls wait than the window has left.
        var spread: Spread?
    }

    /// The window's last units, sent one at a time and spaced until the window must have ended: each is an
    /// ordinary call that Strait admits, and its answer shows whether anything has been freed yet.
    private struct Spread {
        /// When the next spaced call may go.
        var next: Duration
        /// The spaced call in flight, whose answer is awaited.
        var inFlight: Int?
    }

    let configuration: UpstreamPacer.Configuration

    private(set) var limit: Int?
    private(set) var remaining: Int?
    /// When the answer that said `remaining` arrived.
    private var remainingAt: Duration?
    /// Calls out (sent, unanswered) when that answer arrived: Strait may have counted any of them before or after
    /// it, so a later answer can show up to that many more left without anything having been freed.
    private var outWhenRemaining = 0
    /// The lowest `Remaining` since the newest answer, older answers included: within a window Strait's count only
    /// grows, so an older call's answer that shows less was counted after the newest one.
    private var floorRemaining: Int?
    private var tat: Duration?
    private(set) var pausedUntil: Duration = .zero
    /// Tickets issued so far; the next ticket's index.
    private var issued = 0
    /// When each call not yet observed was let through (or given its slot), by ticket index.
    private var outstanding: [Int: Duration] = [:]
    /// The calls let through and not yet answered (a subset of `outstanding`, without the ones waiting for a slot).
    private var sent: Set<Int> = []
    /// The newest ticket whose response re-anchored the schedule.
    private var newestObserved = -1
    /// 429s in a row since the limit was known, and the newest ticket issued when the last one came (429s
    /// from calls that were already out by then belong to the same round).
    private var throttleRounds = 0
    private var throttleRoundEnd = -1
    private(set) var delayedCalls = 0
    /// Callers between ``enter()`` and ``leave()``.
    private(set) var waiting = 0
    private var epoch: Epoch?
    /// Decisions since the last ``drainEvents()``.
    private var events: [Event] = []

    init(configuration: UpstreamPacer.Configuration) {
        self.configuration = configuration
    }

    /// Calls let through (or given a slot) and not yet observed.
    var inFlight: Int { outstanding.count }

    /// The latest time the current window can end, while the pacer knows one.
    var windowEndsBy: Duration? { epoch.map { windowEnd($0) } }

    /// The decisions made since the last call, for the log, oldest first.
    mutating func drainEvents() -> [Event] {
        defer { events.removeAll() }
        return events
    }

    /// A caller starts waiting for its turn.
    mutating func enter() { waiting += 1 }

    /// A caller stops waiting (it got its turn, or was cancelled).
    mutating func leave() { waiting -= 1 }

    /// Where a caller stands at `now`.
    mutating func admit(now: Duration) -> Step {
        purge(now: now)
        if pausedUntil > now {
            delayedCalls += 1
            return .waitForPause(pausedUntil - now)
        }
        if let step = spreadStep(now: now) { return step }
        let ticket = issue(at: now)
        guard let limit else {
            sent.insert(ticket.index)
            return .go(ticket)
        }
        let shape = shape(limit: limit)
        let tat = self.tat ?? now
        let slot = max(now, tat - shape.tolerance)
        self.tat = max(tat, slot) + shape.interval
        let start = max(slot, earliestWithinCount(now: now))
        guard start > now else {
            sent.insert(ticket.index)
            return .go(ticket)
        }
        delayedCalls += 1
        return .waitForSlot(ticket, start - now)
    }

    /// A caller woke at its slot: `go`, or sleep a little more, or `nil` if a pause or a spread began meanwhile
    /// (its slot is given back and it must ``admit(now:)`` again).
    mutating func resume(_ ticket: Ticket, now: Duration) -> Step? {
        if pausedUntil > now || beginSpreadIfNeeded(now: now) {
            outstanding.removeValue(forKey: ticket.index)
            return nil
        }
        let earliest = earliestWithinCount(now: now)
        if earliest > now { return .waitForSlot(ticket, earliest - now) }
        sent.insert(ticket.index)
        return .go(ticket)
    }

    /// The earliest a call may go without outrunning what Strait last said was left: every call out counts as
    /// spent, older ones too (with many in flight, Strait may count an older call after the answer that was
    /// seen), and the limit is assumed to free one call per interval since that answer, as the GCRA assumes.
    private func earliestWithinCount(now: Duration) -> Duration {
        guard let limit, let remaining, let remainingAt else { return now }
        let missing = 1 - (remaining - sent.count)
        guard missing > 0 else { return now }
        return max(now, remainingAt + configuration.window / limit * missing)
    }

    /// A waiting caller was cancelled: its slot is given back.
    mutating func cancel(_ ticket: Ticket) {
        outstanding.removeValue(forKey: ticket.index)
    }

    /// Forgets a call that got no response.
    mutating func abandon(_ ticket: Ticket) {
        outstanding.removeValue(forKey: ticket.index)
        sent.remove(ticket.index)
        if epoch?.spread?.inFlight == ticket.index { epoch?.spread?.inFlight = nil }
    }

    /// Learns from the response to `ticket`'s call. `limit` and `remaining` are the `X-RateLimit-*` headers,
    /// `retryAfter` the parsed `Retry-After` of a 429 or 503. Returns what it decided, for the log.
    mutating func observe(
        _ ticket: Ticket,
        status: Int,
        limit headerLimit: Int?,
        remaining headerRemaining: Int?,
        retryAfter: Duration?,
        now: Duration
    ) -> [Event] {
        purge(now: now)
        outstanding.removeValue(forKey: ticket.index)
        sent.remove(ticket.index)
        if let headerLimit, headerLimit > 0 { limit = headerLimit }
        let newest = ticket.index > newestObserved
        if let limit, let headerRemaining, newest {
            trackWindow(limit: limit, remaining: headerRemaining, now: now)
            newestObserved = ticket.index
            remaining = headerRemaining
            remainingAt = now
            outWhenRemaining = sent.count
            floorRemaining = headerRemaining
            let shape = shape(limit: limit)
            let later = issued - ticket.index - 1
            let available = min(shape.burst, headerRemaining - later - configuration.reserve)
            tat = now + shape.tolerance - shape.interval * (available - 1)
        }
        if !newest, let headerRemaining, let floor = floorRemaining { floorRemaining = min(floor, headerRemaining) }
        if let current = epoch, current.spread?.inFlight == ticket.index {
            if status == 429 || now >= windowEnd(current) {
                epoch = nil
                events.append(
                    .windowModelAbandoned(reason: status == 429 ? "429" : "nothing freed by the window's end")
                )
            } else if current.spread != nil {
                let units = max(0, (floorRemaining ?? 0) - sent.count)
                let next = now + (windowEnd(current) - now) / (units + 1)
                epoch?.spread = Spread(next: next, inFlight: nil)
                events.append(.nothingFreedYet(remaining: remaining ?? 0, nextAt: next))
            }
        }
        if let current = epoch, now > windowEnd(current) {
            epoch = nil
            events.append(.windowModelAbandoned(reason: "nothing freed by the window's end"))
        }
        let pause: Duration?
        if status == 429, let limit {
            if ticket.index > throttleRoundEnd {
                throttleRounds += 1
                throttleRoundEnd = issued - 1
            }
            let interval = shape(limit: limit).interval
            let cap = configuration.probeCap ?? configuration.window / 6
            let doubled = interval * (1 << min(20, throttleRounds - 1))
            let floor = configuration.pauseRange.lowerBound
            let probe = min(max(floor, min(doubled, cap)), max(floor, retryAfter ?? cap))
            pause = probe
            events.append(.throttled(pause: probe, round: throttleRounds))
        } else if status == 429 || status == 503 {
            let range = configuration.pauseRange
            pause = retryAfter.map { min(max($0, range.lowerBound), range.upperBound) } ?? range.lowerBound
        } else {
            if ticket.index > throttleRoundEnd { throttleRounds = 0 }
            pause = nil
        }
        if let pause {
            pausedUntil = max(pausedUntil, now + pause)
            if let limit { tat = pausedUntil + shape(limit: limit).tolerance }
        }
        return drainEvents()
    }

    // MARK: - The window bound

    /// Starts an epoch when a response shows the window empty but for this pacer's own calls, and ends it when
    /// Strait's count goes down (a refill: pacing by `Remaining` takes over again). A refill is a rise of at least
    /// 2 beyond what answers arriving out of order can explain (the calls that were out at the previous answer).
    private mutating func trackWindow(limit: Int, remaining newRemaining: Int, now: Duration) {
        let fresh = newRemaining + sent.count + 1 >= limit
        let refilled = remaining.map { newRemaining >= $0 + outWhenRemaining + 2 } ?? false
        if fresh, epoch == nil || refilled {
            epoch = Epoch(start: now)
            events.append(.freshWindow(windowEndsBy: now + configuration.window + margin))
        } else if refilled, epoch != nil {
            epoch = nil
            events.append(.refilled(remaining: newRemaining))
        }
    }

    /// The latest the epoch's window can end, plus a margin for rounding and the two clocks.
    private func windowEnd(_ epoch: Epoch) -> Duration {
        epoch.start + configuration.window + margin
    }

    private var margin: Duration { configuration.window / 100 }

    /// Whether the last units of the window are being spread; starts a spread when more calls wait than what
    /// the window has left (counting every call out as spent).
    private mutating func beginSpreadIfNeeded(now: Duration) -> Bool {
        guard let current = epoch, let remaining = floorRemaining else { return false }
        if now > windowEnd(current) {
            epoch = nil
            return false
        }
        if current.spread != nil { return true }
        let units = remaining - sent.count
        guard waiting > units else { return false }
        let next = now + (windowEnd(current) - now) / (max(0, units) + 1)
        epoch?.spread = Spread(next: next, inFlight: nil)
        events.append(.spreading(units: units, waiting: waiting, nextAt: next, windowEndsBy: windowEnd(current)))
        return true
    }

    /// While spreading: one call at a time, at its time; everyone else re-checks every `recheck`.
    private mutating func spreadStep(now: Duration) -> Step? {
        guard limit != nil, beginSpreadIfNeeded(now: now), let spread = epoch?.spread else { return nil }
        delayedCalls += 1
        if spread.inFlight == nil, now >= spread.next {
            let ticket = issue(at: now)
            sent.insert(ticket.index)
            epoch?.spread?.inFlight = ticket.index
            return .go(ticket)
        }
        let recheck = self.recheck
        return .waitForPause(spread.inFlight == nil ? min(spread.next - now, recheck) : recheck)
    }

    /// How often callers held back by a spread look again.
    private var recheck: Duration {
        let interval = limit.map { configuration.window / $0 } ?? .seconds(1)
        return min(max(interval, .milliseconds(50)), .seconds(1))
    }

    // MARK: - Tickets

    /// Drops calls let through more than a window ago: their responses will not be observed any more.
    private mutating func purge(now: Duration) {
        let window = configuration.window
        guard outstanding.count > 64 || outstanding.values.contains(where: { now - $0 > window }) else { return }
        outstanding = outstanding.filter { now - $0.value <= window }
        sent = sent.filter { outstanding[$0] != nil }
    }

    private mutating func issue(at now: Duration) -> Ticket {
        let ticket = Ticket(index: issued)
        issued += 1
        outstanding[ticket.index] = now
        return ticket
    }

    func shape(limit: Int) -> (interval: Duration, burst: Int, tolerance: Duration) {
        let interval = configuration.window / limit
        let burst = max(1, limit - configuration.reserve)
        return (interval, burst, interval * (burst - 1))
    }
}

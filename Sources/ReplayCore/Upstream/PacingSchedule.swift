/// The state machine behind ``UpstreamPacer``: every decision, with time passed in, and no clock, lock or sleep, so
/// that model tests can drive many concurrent callers through it deterministically. ``UpstreamPacer`` owns one
/// behind a mutex and does the sleeping.
///
/// See ``UpstreamPacer`` for the algorithm. A caller's life: ``enter()``, then ``admit(now:)`` until it says
/// `go` (after `waitForPause`, call ``admit(now:)`` again; after `waitForSlot`, call ``resume(_:now:)``, and if
/// it answers `false`, ``admit(now:)`` again), then ``leave()``; the call's answer goes to
/// ``observe(_:status:limit:remaining:retryAfter:now:)``, or ``abandon(_:)`` when there was none.
///
/// It is `Codable` so that a fleet keeps one in a database row (``PostgresUpstreamBudget``): every instance's
/// decisions then run on the same schedule, and the fleet paces as one instance does. The configuration and the
/// undrained events are not stored; the caller sets ``configuration`` before each decision.
struct PacingSchedule: Sendable, Codable {
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
        /// Strait freed calls, but not a whole window (a sliding counter after its window turned): from now on calls
        /// go by the credit each answer shows.
        case refilled(remaining: Int)
        /// The window did not behave as bounded (a 429, or nothing freed by its latest end): back to probing.
        case windowModelAbandoned(reason: String)
        /// A 429 once the limit is known: every call waits this probe interval.
        case throttled(pause: Duration, round: Int)
    }

    /// What the pacer knows about Strait's window once an answer showed it empty (but for this pacer's own calls):
    /// from then on every call is let through against a *credit* that Strait's own answers set.
    private struct Epoch: Codable {
        /// When the answer that showed the empty window arrived.
        var start: Duration
        /// `false` while Strait's count has only gone up since `start` (its window has not turned yet); `true` once
        /// an answer showed calls freed but not a whole window: a sliding window, which frees calls gradually.
        var decaying = false
        /// While decaying: how fast the credit is assumed to grow between answers, in calls per second. It starts at
        /// half the limit's rate and halves with every 429, so that a previous window that held less is caught.
        var rate = 0.0
        /// The answer the credit is taken from.
        var anchor: Anchor
        /// While fresh, the most any answer can show without the window having freed anything: the lowest of
        /// `base + slack` over the epoch's answers.
        var ceiling: Int
        /// Set once more calls wait than the window has left (phase `decaying == false` only).
        var spread: Spread?
        /// Once no more than ``PacingSchedule/holdBack`` units are left: until when the calls that would fit wait
        /// to see whether more callers come (the callers of the calls in flight) before they take the last units.
        var graceUntil: Duration?
    }

    /// One answer's lower bound on what is left: at `at`, `base - callsLetThrough` calls may still go.
    private struct Anchor: Codable {
        /// `Remaining`, minus every call that could have been counted after this one (the calls out when it was
        /// sent, and every call let through since), plus the calls let through before it (so that subtracting the
        /// running total of calls let through gives what is left).
        var base: Int
        /// When the answer arrived: Strait freed nothing before it that the pacer counts on.
        var at: Duration
        /// The call's place in the order calls were let through.
        var order: Int
        /// How loose `base` can be: the calls out when the call was sent and those let through before its answer
        /// came, any of which Strait may have counted before it.
        var slack: Int
    }

    /// How each call not yet answered stood when it was let through.
    private struct SendRecord: Codable {
        /// Calls let through before it.
        var order: Int
        /// Of those, the ones not answered yet: Strait may count any of them after this call.
        var outAtSend: Int
    }

    /// The window's last units, sent one at a time and spaced until the window must have ended: each is an
    /// ordinary call that Strait admits, and its answer shows whether anything has been freed yet.
    private struct Spread: Codable {
        /// When the next spaced call may go.
        var next: Duration
        /// The spaced call in flight, whose answer is awaited.
        var inFlight: Int?
    }

    /// The tuning every decision uses; not stored with the schedule (each instance sets its own).
    var configuration = UpstreamPacer.Configuration()

    private(set) var limit: Int?
    private(set) var remaining: Int?
    /// When the answer that said `remaining` arrived.
    private var remainingAt: Duration?
    private var tat: Duration?
    private(set) var pausedUntil: Duration = .zero
    /// Tickets issued so far; the next ticket's index.
    private var issued = 0
    /// When each call not yet observed was let through (or given its slot), by ticket index.
    private var outstanding: [Int: Duration] = [:]
    /// The calls let through and not yet answered (a subset of `outstanding`, without the ones waiting for a slot).
    private var sent: Set<Int> = []
    /// Calls let through so far (sent, not merely given a slot).
    private(set) var letThrough = 0
    /// How each call in `sent` stood when it was let through, by ticket index.
    private var records: [Int: SendRecord] = [:]
    /// The newest ticket whose response re-anchored the schedule.
    private var newestObserved = -1
    /// 429s in a row since the limit was known, and the newest ticket issued when the last one came (429s
    /// from calls that were already out by then belong to the same round).
    private var throttleRounds = 0
    private var throttleRoundEnd = -1
    private(set) var delayedCalls = 0
    /// Callers between ``enter()`` and ``leave()``; in a fleet, the home sets it to every instance's callers.
    var waiting = 0
    private var epoch: Epoch?
    /// Decisions since the last ``drainEvents()``.
    private var events: [Event] = []

    private enum CodingKeys: String, CodingKey {
        case limit, remaining, remainingAt, tat, pausedUntil, issued, outstanding, sent, letThrough, records
        case newestObserved, throttleRounds, throttleRoundEnd, delayedCalls, waiting, epoch
    }

    init(configuration: UpstreamPacer.Configuration) {
        self.configuration = configuration
    }

    /// Calls let through (or given a slot) and not yet observed.
    var inFlight: Int { outstanding.count }

    /// The latest time the current window can end, while the pacer knows one that has not turned yet.
    var windowEndsBy: Duration? {
        guard let epoch, !epoch.decaying else { return nil }
        return windowEnd(epoch)
    }

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
        if let step = windowStep(now: now) { return step }
        let ticket = issue(at: now)
        guard let limit else { return send(ticket, now: now) }
        let shape = shape(limit: limit)
        let tat = self.tat ?? now
        let slot = max(now, tat - shape.tolerance)
        self.tat = max(tat, slot) + shape.interval
        let start = max(slot, earliestWithinCount(now: now))
        guard start > now else { return send(ticket, now: now) }
        delayedCalls += 1
        return .waitForSlot(ticket, start - now)
    }

    /// A caller woke at its slot: `go`, or sleep a little more, or `nil` if a pause began or the window became
    /// known meanwhile (its slot is given back and it must ``admit(now:)`` again).
    mutating func resume(_ ticket: Ticket, now: Duration) -> Step? {
        if pausedUntil > now || epoch != nil {
            outstanding.removeValue(forKey: ticket.index)
            return nil
        }
        let earliest = earliestWithinCount(now: now)
        if earliest > now { return .waitForSlot(ticket, earliest - now) }
        return send(ticket, now: now)
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
        records.removeValue(forKey: ticket.index)
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
        let record = records.removeValue(forKey: ticket.index)
        if let headerLimit, headerLimit > 0 { limit = headerLimit }
        let newest = ticket.index > newestObserved
        if let limit, let headerRemaining, newest {
            newestObserved = ticket.index
            remaining = headerRemaining
            remainingAt = now
            let shape = shape(limit: limit)
            let later = issued - ticket.index - 1
            let available = min(shape.burst, headerRemaining - later - configuration.reserve)
            tat = now + shape.tolerance - shape.interval * (available - 1)
        }
        if let limit, let headerRemaining, let record {
            learnWindow(
                limit: limit,
                remaining: headerRemaining,
                counted: status != 429,
                record: record,
                spreadCall: epoch?.spread?.inFlight == ticket.index,
                now: now
            )
        } else if epoch?.spread?.inFlight == ticket.index {
            epoch?.spread?.inFlight = nil
        }
        let pause: Duration?
        if status == 429, let limit {
            if let current = epoch, !current.decaying {
                epoch = nil
                events.append(.windowModelAbandoned(reason: "429"))
            }
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

    // MARK: - The window

    /// What an answer says about Strait's window.
    ///
    /// Its lower bound on what is left is `Remaining` minus every call Strait may count after it: the calls out
    /// when it was sent, and every call let through since. An answer whose bound is 2 or more above the anchor's
    /// shows that Strait freed calls (1 is left for the rounding of a sliding counter).
    /// - No epoch, or a refill: if the answer shows the window empty but for the calls out when it was sent, a
    ///   new window began (an epoch with its bound on the window's end); otherwise the window frees calls
    ///   gradually (a sliding counter after it turned), and the epoch decays.
    /// - A decaying epoch anchors on the newest call answered; a fresh one on the highest bound.
    private mutating func learnWindow(
        limit: Int,
        remaining newRemaining: Int,
        counted: Bool,
        record: SendRecord,
        spreadCall: Bool,
        now: Duration
    ) {
        let anchor = Anchor(
            base: newRemaining - record.outAtSend + record.order + (counted ? 1 : 0),
            at: now,
            order: record.order,
            slack: record.outAtSend + (letThrough - record.order - 1)
        )
        let fresh = counted && newRemaining + record.outAtSend + 1 >= limit
        if spreadCall { epoch?.spread?.inFlight = nil }
        if !counted, var current = epoch, current.decaying {
            // Strait refused it, so the credit assumed grew faster than Strait frees calls: anchor on this answer
            // (the call was not counted) and assume half the rate from now on.
            if anchor.order >= current.anchor.order { current.anchor = anchor }
            current.rate /= 2
            epoch = current
            return
        }
        guard counted else { return }
        guard var current = epoch else {
            if fresh { startEpoch(anchor, now: now) }
            return
        }
        if current.decaying {
            if fresh, anchor.base >= current.anchor.base + 2 {
                startEpoch(anchor, now: now)
            } else if anchor.order > current.anchor.order {
                current.anchor = anchor
                epoch = current
            }
            return
        }
        if anchor.base >= current.ceiling + 2 {
            if fresh {
                startEpoch(anchor, now: now)
            } else {
                epoch = Epoch(
                    start: current.start,
                    decaying: true,
                    rate: Double(limit) / 2 / Self.seconds(configuration.window),
                    anchor: anchor,
                    ceiling: .max,
                    spread: nil
                )
                events.append(.refilled(remaining: newRemaining))
            }
            return
        }
        if anchor.base > current.anchor.base { current.anchor = anchor }
        current.ceiling = min(current.ceiling, anchor.base + anchor.slack)
        if now > windowEnd(current) {
            epoch = nil
            events.append(.windowModelAbandoned(reason: "nothing freed by the window's end"))
            return
        }
        if spreadCall, current.spread != nil {
            let units = max(0, current.anchor.base - letThrough)
            let next = now + (windowEnd(current) - now) / (units + 1)
            current.spread = Spread(next: next, inFlight: nil)
            events.append(.nothingFreedYet(remaining: newRemaining, nextAt: next))
        }
        epoch = current
    }

    private mutating func startEpoch(_ anchor: Anchor, now: Duration) {
        epoch = Epoch(start: now, anchor: anchor, ceiling: anchor.base + anchor.slack)
        events.append(.freshWindow(windowEndsBy: now + configuration.window + margin))
    }

    /// The latest the epoch's window can end, plus a margin for rounding and the two clocks.
    private func windowEnd(_ epoch: Epoch) -> Duration {
        epoch.start + configuration.window + margin
    }

    private var margin: Duration { configuration.window / 100 }

    /// Near the end of a fresh window's credit (this many units or fewer), calls go only if every caller waiting or
    /// in flight fits; otherwise what is left may be spread until the window must have ended, so that the answers
    /// show when it turns.
    private var holdBack: Int { max(32, configuration.reserve) }

    /// While the window is known: whether a call may go now, by the credit its anchor gives.
    /// - Fresh (the window has not turned): calls go while more than ``holdBack`` units are left, or while every
    ///   caller waiting or in flight fits. Otherwise the callers wait up to `2·recheck` for the calls in flight to be
    ///   answered; then if no more wait than the units left, they go, and if more wait, the rest is spread until
    ///   the window must have ended.
    /// - Decaying (a sliding counter frees the previous window's count over the next one): the credit grows from
    ///   the anchor's answer at the epoch's `rate` (half the limit's rate, halved by every 429), and a call goes
    ///   once it is at least 2 (one unit to spare for the counter's rounding); every answer shows the true count
    ///   again, so a low rate costs only a short wait, not throughput.
    private mutating func windowStep(now: Duration) -> Step? {
        guard limit != nil, var current = epoch else { return nil }
        if current.decaying {
            let rate = current.rate
            let credit =
                Double(current.anchor.base - letThrough) + rate * Self.seconds(max(.zero, now - current.anchor.at))
            if credit >= 2 { return send(issue(at: now), now: now) }
            delayedCalls += 1
            return .waitForPause(min(.seconds((2 - credit) / rate), recheck))
        }
        let units = current.anchor.base - letThrough
        if current.spread == nil {
            if units > holdBack || (units >= 1 && waiting + sent.count <= units) {
                return send(issue(at: now), now: now)
            }
            if units >= 1, waiting <= units {
                let graceUntil = current.graceUntil ?? now + recheck * 2
                if now >= graceUntil || sent.isEmpty { return send(issue(at: now), now: now) }
                epoch?.graceUntil = graceUntil
                delayedCalls += 1
                return .waitForPause(min(graceUntil - now, recheck / 2))
            }
            if now > windowEnd(current) {
                epoch = nil
                events.append(.windowModelAbandoned(reason: "nothing freed by the window's end"))
                return nil
            }
            let next = now + (windowEnd(current) - now) / (max(0, units) + 1)
            current.spread = Spread(next: next, inFlight: nil)
            epoch = current
            events.append(
                .spreading(units: units, waiting: waiting, nextAt: next, windowEndsBy: windowEnd(current))
            )
        }
        guard let spread = epoch?.spread else { return nil }
        delayedCalls += 1
        if spread.inFlight == nil, now >= spread.next {
            let ticket = issue(at: now)
            epoch?.spread?.inFlight = ticket.index
            return send(ticket, now: now)
        }
        return .waitForPause(spread.inFlight == nil ? min(spread.next - now, recheck) : recheck)
    }

    /// How often callers held back look again.
    private var recheck: Duration {
        let interval = limit.map { configuration.window / $0 } ?? .seconds(1)
        return min(max(interval, .milliseconds(50)), .seconds(1))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: - Tickets

    /// Drops calls let through more than a window ago: their responses will not be observed any more.
    private mutating func purge(now: Duration) {
        let window = configuration.window
        guard outstanding.count > 64 || outstanding.values.contains(where: { now - $0 > window }) else { return }
        outstanding = outstanding.filter { now - $0.value <= window }
        sent = sent.filter { outstanding[$0] != nil }
        records = records.filter { outstanding[$0.key] != nil }
    }

    private mutating func issue(at now: Duration) -> Ticket {
        let ticket = Ticket(index: issued)
        issued += 1
        outstanding[ticket.index] = now
        return ticket
    }

    /// Lets `ticket`'s call through, noting how it stood.
    private mutating func send(_ ticket: Ticket, now: Duration) -> Step {
        records[ticket.index] = SendRecord(order: letThrough, outAtSend: sent.count)
        sent.insert(ticket.index)
        letThrough += 1
        return .go(ticket)
    }

    func shape(limit: Int) -> (interval: Duration, burst: Int, tolerance: Duration) {
        let interval = configuration.window / limit
        let burst = max(1, limit - configuration.reserve)
        return (interval, burst, interval * (burst - 1))
    }
}

import Strait
import StraitSimulator

@testable import ReplayCore

/// A deterministic discrete-event model of a bulk replay against Strait's per-key limit, driving
/// ``PacingSchedule`` (the pacer's whole decision logic) exactly as ``UpstreamPacer`` does, with many callers in
/// flight at once and no wall clock.
///
/// - `callers` callers each take the next replay, wait for the pacer, send it (an upload leg of 5–25 ms), Strait's
///   limiter counts it when it arrives, and the answer comes back after a download leg of 5–25 ms. The legs come
///   from a seeded generator, so answers arrive out of order as they do on a real network, and every run is the
///   same.
/// - A 429 carries `Retry-After: 60` (Strait's key limiter always sends the full window) and the replay is retried
///   when the engine's own ``RetrySchedule`` says: 60 s plus its jitter (a fixed 50 % of the 10 % spread here).
///   That is what a 429 really costs a bulk replay.
/// - Every 429 and every pacer decision is traced with the time and the position in Strait's aligned window.
struct PacingModel {
    /// Strait's window, as a model.
    enum Limiter: String, Sendable, CaseIterable, CustomStringConvertible {
        /// The simulator's: httprate's sliding-window counter over windows aligned to multiples of 60 s.
        case slidingAligned
        /// The real per-key limiter's Redis script: `INCR`, and `PEXPIRE` on the first call, so a fixed window
        /// that starts at the first call after the key was idle; refused calls are counted too.
        case fixedFromFirstCall

        var description: String { rawValue }
    }

    struct Scenario: Sendable, CustomStringConvertible {
        var limiter: Limiter
        var requests: Int
        var limit: Int
        var callers = 16
        var description: String { "\(requests) replays at \(limit)/min, \(callers) callers, \(limiter)" }
    }

    struct Outcome {
        /// From the start of the burst to the last replay's 201.
        var elapsed: Duration
        var throttled: Int
        var attempts: Int
        /// The least time the limit allows from this offset for a client as fast as the model's callers.
        var minimum: Duration
        var trace: [String]
    }

    static let window = Duration.seconds(60)

    /// Runs `scenario` starting `offset` into Strait's aligned window.
    static func run(_ scenario: Scenario, offset: Duration) -> Outcome {
        var model = PacingModel(scenario: scenario, start: offset)
        model.simulate()
        return Outcome(
            elapsed: model.lastCreated - offset,
            throttled: model.throttled,
            attempts: model.attempts,
            minimum: minimumTime(scenario, start: offset),
            trace: model.trace
        )
    }

    /// The least time `scenario.requests` calls need from `start`: each sent at the first instant the limiter
    /// admits it (searched at 10 ms), but no faster than the model's callers can send (`callers` per 30 ms, their
    /// mean round trip of two 5–25 ms legs), so that a window turning within the first burst is not counted as free:
    /// no pacer can send the first burst faster than its callers get their answers back.
    static func minimumTime(_ scenario: Scenario, start: Duration) -> Duration {
        var limiter = Window(scenario.limiter, limit: scenario.limit)
        let gap = Duration.milliseconds(30) / scenario.callers
        var now = start
        var sent = 0
        while true {
            if limiter.attempt(now: now).allowed {
                sent += 1
                if sent == scenario.requests { return now - start }
                now += gap
            } else {
                now += .milliseconds(10)
            }
        }
    }

    // MARK: - The model

    /// One of Strait's windows.
    struct Window {
        private let kind: Limiter
        private let limit: Int
        private var sliding = SlidingWindowLimiter()
        private var fixedEnds: Duration?
        private var fixedCount = 0

        init(_ kind: Limiter, limit: Int) {
            self.kind = kind
            self.limit = limit
        }

        mutating func attempt(now: Duration) -> (allowed: Bool, remaining: Int) {
            switch kind {
            case .slidingAligned:
                let decision = sliding.attempt(
                    key: "key",
                    limit: .init(requests: limit, window: PacingModel.window),
                    now: now
                )
                return (decision.allowed, max(0, decision.remaining))
            case .fixedFromFirstCall:
                if let ends = fixedEnds, now < ends {
                    fixedCount += 1
                } else {
                    fixedEnds = now + PacingModel.window
                    fixedCount = 1
                }
                return fixedCount > limit ? (false, 0) : (true, limit - fixedCount)
            }
        }
    }

    private enum Action {
        case acquire(caller: Int)
        case wakeSlot(caller: Int, PacingSchedule.Ticket)
        case wakePause(caller: Int)
        case arrive(caller: Int, PacingSchedule.Ticket)
        case answer(caller: Int, PacingSchedule.Ticket, allowed: Bool, remaining: Int)
    }

    private struct Event {
        var at: Duration
        var order: Int
        var action: Action
    }

    private let scenario: Scenario
    private var schedule = PacingSchedule(configuration: UpstreamPacer.Configuration())
    private var strait: Window
    private let retry = RetrySchedule(jitter: ConstantJitter(fraction: 0.5))
    private var queue: [Event] = []
    private var order = 0
    private var now: Duration
    private var random: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var nextReplay = 0
    private var attemptsOfCaller: [Int]
    private(set) var lastCreated: Duration
    private(set) var throttled = 0
    private(set) var attempts = 0
    private(set) var trace: [String] = []

    private init(scenario: Scenario, start: Duration) {
        self.scenario = scenario
        self.strait = Window(scenario.limiter, limit: scenario.limit)
        self.now = start
        self.lastCreated = start
        self.attemptsOfCaller = Array(repeating: 0, count: scenario.callers)
    }

    private mutating func simulate() {
        for caller in 0..<min(scenario.callers, scenario.requests) {
            nextReplay += 1
            push(.acquire(caller: caller), at: now)
        }
        while let event = pop() {
            now = event.at
            handle(event.action)
        }
    }

    private mutating func handle(_ action: Action) {
        switch action {
        case .acquire(let caller):
            schedule.enter()
            step(caller, schedule.admit(now: now))
        case .wakePause(let caller):
            step(caller, schedule.admit(now: now))
        case .wakeSlot(let caller, let ticket):
            step(caller, schedule.resume(ticket, now: now) ?? schedule.admit(now: now))
        case .arrive(let caller, let ticket):
            let answer = strait.attempt(now: now)
            if !answer.allowed { note("429 for call \(ticket.index)") }
            push(
                .answer(caller: caller, ticket, allowed: answer.allowed, remaining: answer.remaining),
                at: now + leg()
            )
        case .answer(let caller, let ticket, let allowed, let remaining):
            let events = schedule.observe(
                ticket,
                status: allowed ? 201 : 429,
                limit: scenario.limit,
                remaining: remaining,
                retryAfter: allowed ? nil : PacingModel.window,
                now: now
            )
            for event in events { note("pacer \(event)") }
            if allowed {
                lastCreated = now
                attemptsOfCaller[caller] = 0
                guard nextReplay < scenario.requests else { return }
                nextReplay += 1
                push(.acquire(caller: caller), at: now)
            } else {
                throttled += 1
                attemptsOfCaller[caller] += 1
                let refused = AttemptClass.refused(
                    status: 429,
                    code: "rate_limited",
                    retryAfter: RetryAfter(delay: PacingModel.window),
                    retryable: true
                )
                guard
                    case .retry(let delay) = retry.decide(
                        after: refused,
                        attempts: attemptsOfCaller[caller],
                        now: now,
                        deadline: nil
                    )
                else { return }
                push(.acquire(caller: caller), at: now + delay)
            }
        }
    }

    private mutating func step(_ caller: Int, _ step: PacingSchedule.Step) {
        for event in schedule.drainEvents() { note("pacer \(event)") }
        switch step {
        case .go(let ticket):
            schedule.leave()
            attempts += 1
            push(.arrive(caller: caller, ticket), at: now + leg())
        case .waitForSlot(let ticket, let delay):
            push(.wakeSlot(caller: caller, ticket), at: now + delay)
        case .waitForPause(let delay):
            push(.wakePause(caller: caller), at: now + delay)
        }
    }

    private mutating func note(_ text: String) {
        guard trace.count < 400 else { return }
        trace.append("t=\(Self.format(now)) window+\(Self.format(Self.position(now))): \(text)")
    }

    /// 5–25 ms, from a fixed-seed generator.
    private mutating func leg() -> Duration {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return .microseconds(5_000 + Int64((random >> 33) % 20_000))
    }

    private mutating func push(_ action: Action, at time: Duration) {
        order += 1
        queue.append(Event(at: time, order: order, action: action))
        var child = queue.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(queue[child], queue[parent]) else { break }
            queue.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() -> Event? {
        guard !queue.isEmpty else { return nil }
        queue.swapAt(0, queue.count - 1)
        let first = queue.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < queue.count, Self.before(queue[left], queue[smallest]) { smallest = left }
            if right < queue.count, Self.before(queue[right], queue[smallest]) { smallest = right }
            if smallest == parent { break }
            queue.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    private static func before(_ a: Event, _ b: Event) -> Bool {
        a.at < b.at || (a.at == b.at && a.order < b.order)
    }

    private static func position(_ time: Duration) -> Duration {
        let nanos = time.components.seconds * 1_000_000_000 + time.components.attoseconds / 1_000_000_000
        return .nanoseconds(nanos % 60_000_000_000)
    }

    static func format(_ duration: Duration) -> String {
        let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        let sign = millis < 0 ? "-" : ""
        let magnitude = abs(millis)
        let fraction = magnitude % 1000
        return "\(sign)\(magnitude / 1000).\(fraction < 10 ? "00" : fraction < 100 ? "0" : "")\(fraction)s"
    }
}

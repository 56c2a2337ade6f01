import NIOHTTP1
import Strait

/// Everything the simulator remembers, as one value mutated under a lock: the dataset, fault plan, counters,
/// limiters and lockouts. Each request's whole check sequence runs in one critical section, so concurrent
/// requests see Strait's checks as atomic.
struct SimulatorStore: Sendable {
    /// A reading of both clocks, taken once per request.
    struct Now: Sendable {
        var monotonic: Duration
        var unix: Duration
    }

    /// What the store decided when a request arrived, before any check.
    struct Arrival: Sendable {
        /// chi's request id for the request (inbound `X-Request-Id` or generated).
        var requestID: String
        /// How long to delay the request (the plan's `latency_ms` plus a `latency` rule, if one fired).
        var latency: Duration
    }

    let configuration: SimulatorConfiguration
    private let initialFixtures: SimulatorFixtures
    private let initialFaults: SimulatorFaultPlan

    var dataset: SimulatorDataset
    var faults: SimulatorFaultPlan
    var replayCounts = SimulatorReplayCounts()
    var requestCounts = SimulatorRequestCounts()
    var ipLimiter = SlidingWindowLimiter()
    var keyLimiter = SlidingWindowLimiter()
    var lockout = AuthLockout()
    var requestIDs: RequestIDGenerator

    init(configuration: SimulatorConfiguration, fixtures: SimulatorFixtures, faults: SimulatorFaultPlan) {
        var generator = SystemRandomNumberGenerator()
        self.configuration = configuration
        self.initialFixtures = fixtures
        self.initialFaults = faults
        self.dataset = SimulatorDataset(fixtures)
        self.faults = faults
        self.requestIDs = RequestIDGenerator(hostname: configuration.hostname, using: &generator)
    }

    /// Back to the start: fixtures, the initial fault plan, zero counters, empty limiters and lockouts.
    /// The request-id counter keeps counting, as a restarted chi process would not, so ids stay unique.
    mutating func reset() {
        dataset = SimulatorDataset(initialFixtures)
        faults = initialFaults
        replayCounts = SimulatorReplayCounts()
        requestCounts = SimulatorRequestCounts()
        ipLimiter = SlidingWindowLimiter()
        keyLimiter = SlidingWindowLimiter()
        lockout = AuthLockout()
    }

    /// Counts a non-`/_sim` request, gives it its request id and fires any latency fault.
    mutating func arrive(_ request: SimulatorRequest, match: SimulatorRoute.Match) -> Arrival {
        var route: SimulatorRoute?
        if case .route(let matched) = match { route = matched }
        requestCounts.record(route: route?.pattern ?? "unmatched")
        let requestID = requestIDs.id(inbound: request.header("X-Request-Id"))
        var milliseconds = faults.latencyMilliseconds
        let fired = faults.take(runID: route?.runID) { fault in
            if case .latency = fault { return true }
            return false
        }
        if case .latency(let extra) = fired { milliseconds += extra }
        return Arrival(requestID: requestID, latency: .milliseconds(milliseconds))
    }

    /// Answers a non-`/_sim` request, running Strait's checks in the order of spec §2.
    mutating func respond(
        to request: SimulatorRequest,
        match: SimulatorRoute.Match,
        requestID: String,
        now: Now
    ) -> SimulatorResponse {
        if case .badRequest = match {
            var response = SimulatorResponse.plainText(status: 400, "400 Bad Request")
            response.closeConnection = true
            return response
        }
        // 1. DB admission control (only through a fault, and only on replays).
        if case .route(.replay(let runID)) = match,
            case .admissionThrottled(let seconds) = faults.take(runID: runID, where: Self.isAdmissionFault)
        {
            return Self.admissionThrottled(retryAfter: seconds, requestID: requestID, headers: [:])
        }
        // 2. Global per-IP limiter.
        var headers = HTTPHeaders()
        if let refusal = limitPerIP(request, now: now, headers: &headers) { return refusal }

        let route: SimulatorRoute
        switch match {
        case .route(let matched): route = matched
        case .methodNotAllowed(let allowed):
            for method in allowed { headers.add(name: "Allow", value: method) }
            return SimulatorResponse(status: 405, headers: headers)
        case .notFound, .badRequest:
            return .plainText(status: 404, "404 page not found", headers: headers)
        }

        // 3-7. Lockout, authentication, Accept, Content-Type, per-key limit.
        let caller: Caller
        switch admit(request, requestID: requestID, now: now, headers: headers) {
        case .refused(let response): return response
        case .admitted(let admitted): caller = admitted
        }

        switch route {
        case .replay(let runID): return replay(runID: runID, request: request, caller: caller, now: now)
        case .getRun(let runID): return getRun(runID: runID, caller: caller)
        case .checkpoints(let runID): return listCheckpoints(runID: runID, caller: caller)
        case .listRuns: return listRuns(request: request, caller: caller)
        case .simFaults, .simReplays, .simRequests, .simReset, .simClock, .simRunStatus:
            return .plainText(status: 404, "404 page not found", headers: headers)
        }
    }

    /// The 429 of DB admission control: `database admission control throttled`, with details and `Retry-After`.
    static func admissionThrottled(retryAfter: Int, requestID: String, headers: HTTPHeaders) -> SimulatorResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter))
        return .envelope(
            status: 429,
            message: "database admission control throttled",
            details: ["retry_after_seconds=\(retryAfter)"],
            requestID: requestID,
            headers: headers
        )
    }

    private static func isAdmissionFault(_ fault: SimulatorFault) -> Bool {
        if case .admissionThrottled = fault { return true }
        return false
    }

    private mutating func limitPerIP(
        _ request: SimulatorRequest,
        now: Now,
        headers: inout HTTPHeaders
    ) -> SimulatorResponse? {
        let limit = configuration.perIPRateLimit
        guard limit.isEnabled else { return nil }
        let decision = ipLimiter.attempt(key: request.remoteIP, limit: limit, now: now.monotonic)
        let reset = (now.unix + decision.untilWindowEnd).components.seconds
        headers.replaceOrAdd(name: "X-RateLimit-Limit", value: String(decision.limit))
        headers.replaceOrAdd(name: "X-RateLimit-Remaining", value: String(decision.remaining))
        headers.replaceOrAdd(name: "X-RateLimit-Reset", value: String(reset))
        guard !decision.allowed else { return nil }
        var refusal = headers
        refusal.replaceOrAdd(name: "Retry-After", value: String(Self.wholeSeconds(limit.window)))
        return .plainText(status: 429, "Too Many Requests", headers: refusal)
    }

    /// `duration` in whole seconds, rounded up, at least 1.
    static func wholeSeconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, seconds + (attoseconds > 0 ? 1 : 0))
    }
}

import Audit
import Foundation
import Logging
import Strait
import Synchronization

/// Exactly-once replays. The engine claims the idempotency key durably, records every upstream attempt (with a
/// fresh `X-Request-Id`) before sending it, classifies what came back, retries only what provably created
/// nothing, reconciles ambiguous attempts by looking the run up before anything is re-sent, and resumes every
/// unfinished record after a restart. Whatever fails, one key means at most one new run.
///
/// Doors call `submit` after authentication and authorization; operators use `resolve`.
public final class ReplayEngine: Sendable {
    let store: any ReplayStore
    let upstream: any ReplayUpstream
    let clock: any ReplayClock
    let waitClock: any ReplayClock
    let jitter: any JitterSource
    let settings: ReplayEngineSettings
    let crash: CrashPoint
    let health: UpstreamHealth
    let guards: UpstreamGuards?
    let auditor: ReplayAuditor
    let schedule: RetrySchedule
    let logger: Logger
    let drivers = DriverRegistry()
    /// The pauses in force (`replayctl pause`): consulted before every claim and every upstream send.
    public let pause: ReplayPauseGate
    /// The counts of the last sweep (``refreshRecordCounts()``).
    let counts = Mutex(RecordCounts())

    /// Creates an engine.
    ///
    /// - Parameters:
    ///   - store: durable state; wrap it in ``AuditedReplayStore`` with the same `auditor` so that attempts and
    ///     outcomes are audited before they are committed.
    ///   - auditor: records each request as `received` before its key is claimed, and how it was answered.
    ///   - clock: time for backoff, `Retry-After`, reconciliation and record timestamps.
    ///   - waitClock: time for how long a synchronous caller waits (`settings.wait`); `nil` uses `clock`. Tests
    ///     pass a separate manual clock so that retries can run instantly while the caller's wait never expires.
    public init(
        store: any ReplayStore,
        upstream: any ReplayUpstream,
        auditor: ReplayAuditor,
        clock: any ReplayClock,
        waitClock: (any ReplayClock)? = nil,
        jitter: any JitterSource = SystemJitterSource(),
        settings: ReplayEngineSettings,
        health: UpstreamHealth,
        guards: UpstreamGuards? = nil,
        crash: CrashPoint = .none,
        pause: ReplayPauseGate = ReplayPauseGate(),
        logger: Logger
    ) {
        self.pause = pause
        self.guards = guards
        self.auditor = auditor
        self.schedule = RetrySchedule(
            policy: settings.retry,
            retryAfterRange: .seconds(1)...max(.seconds(1), settings.maxRetryAfter),
            jitter: jitter
        )
        self.store = store
        self.upstream = upstream
        self.clock = clock
        self.waitClock = waitClock ?? clock
        self.jitter = jitter
        self.settings = settings
        self.health = health
        self.crash = crash
        self.logger = logger
    }

    /// The upstream's base URL.
    public var upstreamBaseURL: String { upstream.baseURL }

    /// Replays on behalf of `principal`: records the request in the audit log (durably: if it cannot, nothing is
    /// done and the caller gets 503 `audit_unavailable`), claims the key, drives the replay, and waits up to
    /// `wait` (default and most `settings.wait`; asynchronous doors, and callers that ask with
    /// `Prefer: respond-async`, pass zero: they answer as soon as the request is durably accepted, and the driver
    /// finishes the replay in the background).
    public func submit(
        _ request: ReplayRequest,
        principal: Principal,
        logger: Logger,
        wait: Duration? = nil
    ) async -> ReplaySubmission {
        let receivedAt = clock.monotonicNow()
        let key = request.idempotencyKey ?? IdempotencyKey.generate()
        // The request's audit record and its claim are made durable at the same time (two files, each in its own
        // group commit), and nothing is sent before both are: one sync point, not two in a row.
        // Until its claim has committed and its driver started, the record is reserved for this request: the
        // background sweep must not take a record claimed a moment ago for one left by a crash.
        let id = ReplayRecordID(principal: principal.name, key: key)
        let reservation = drivers.reserve(id)
        // Whatever the answer, the reservation ends with this call (a driver started under it keeps it).
        defer { if let reservation { drivers.release(id, reserved: reservation) } }
        // Without a reservation, a driver works on this key: taken before the claim, so that its answer is seen
        // even if it finishes before the claim returns (it then committed before the claim read the record).
        let running = reservation == nil ? drivers.handle(for: id) : nil
        async let auditFailure = receivedFailure(request, key: key, principal: principal)
        let claimed = await claim(request, key: key, principal: principal, reserved: reservation != nil, logger: logger)
        if let error = await auditFailure {
            logger.error("audit log cannot record the request; refusing it", metadata: ["error": "\(error)"])
            if case .claimed(let claim, _) = claimed, let inserted = claim.inserted {
                await release(inserted, logger: logger)
            }
            return .rejected(
                ReplayError(
                    .auditUnavailable,
                    "replayd's audit log cannot record the request (\(error.code.rawValue)); nothing was sent",
                    details: ["audit=\(error.code.rawValue)"]
                )
            )
        }
        let submission: ReplaySubmission
        switch claimed {
        case .answered(let answer):
            submission = answer
        case .claimed(let claim, let now):
            submission = await proceed(
                claim,
                reserved: reservation,
                running: running,
                now: now,
                logger: logger,
                wait: min(wait ?? settings.wait, settings.wait)
            )
        }
        let answer: (decision: String, reason: String?, record: ReplayRecord?)?
        switch submission {
        case .completed(let record, replayed: true): answer = ("idempotent_replay", record.state.rawValue, record)
        case .completed: answer = nil
        case .pending(let record): answer = ("pending", record.errorCode, record)
        case .inProgress(let record): answer = ("in_progress", nil, record)
        case .keyReused(let record): answer = ("key_reused", nil, record)
        case .rejected(let error): answer = ("rejected", error.code.rawValue, nil)
        }
        if let answer {
            await auditor.answered(
                request,
                key: key,
                principal: principal,
                decision: answer.decision,
                reason: answer.reason,
                record: answer.record,
                receivedAt: receivedAt
            )
        }
        return submission
    }

    /// What ``claim(_:key:principal:logger:)`` got: an answer without a claim, or the claim.
    private enum Claimed {
        case answered(ReplaySubmission)
        case claimed(ClaimResult, now: Int64)
    }

    /// The request's audit record (`received`), made durable; the error when it could not be.
    private func receivedFailure(_ request: ReplayRequest, key: String, principal: Principal) async -> AuditError? {
        do {
            try await auditor.received(request, key: key, principal: principal)
            return nil
        } catch {
            return error
        }
    }

    /// Deletes a record just claimed for a request that is refused after all (its audit record could not be
    /// written): nothing was sent for it, and its key stays free for a retry.
    private func release(_ record: ReplayRecord, logger: Logger) async {
        do {
            try await store.release(record)
        } catch {
            // It stays claimed with nothing sent; the next start reconciles it like an attempt cut off by a crash.
            logger.error("could not release a refused claim", metadata: ["error": "\(error)"])
        }
    }

    /// Claims the key (the breaker allowing): the record is new, or an answer comes from an existing one.
    private func claim(
        _ request: ReplayRequest,
        key: String,
        principal: Principal,
        reserved: Bool,
        logger: Logger
    ) async -> Claimed {
        if let refusal = breakerRefusal() { return .answered(.rejected(refusal)) }
        let now = clock.wallNowMilliseconds()
        var record = newRecord(request, key: key, principal: principal, now: now)
        record.source = request.origin.source
        // Paused: accepted durably and held, not sent. The driver is not started; a resume releases it in order.
        let held = pause.holding(source: request.origin.source)
        if let held {
            record.errorCode = Self.pausedCode
            record.errorMessage = Self.pausedMessage(held)
        }
        let coalesceSince = coalesceSince(now: now)
        // A new replay is claimed with its first attempt recorded, in one commit, when its driver is reserved
        // (not when shutdown has begun: the record is then stored for the next start, with nothing recorded as
        // sent), and the breaker is not probing (half open: the driver asks it first). Should shutdown begin
        // between the claim and the driver's start, the recorded attempt is reconciled at the next start, as
        // after a crash.
        let recordsFirstAttempt = reserved && guards?.breaker.snapshot.state != .halfOpen && held == nil
        let firstAttempt = recordsFirstAttempt ? "\(record.requestID)-1" : nil
        do {
            return .claimed(
                try await store.claim(record, coalesceSince: coalesceSince, firstAttempt: firstAttempt),
                now: now
            )
        } catch {
            logger.error("replay state store unavailable", metadata: ["error": "\(error)"])
            return .answered(
                .rejected(ReplayError(.unavailable, "replayd's state store is unavailable; nothing was sent"))
            )
        }
    }

    /// The record a claim of `request` under `key` inserts (and a preview looks up).
    func newRecord(_ request: ReplayRequest, key: String, principal: Principal, now: Int64) -> ReplayRecord {
        ReplayRecord(
            principal: principal.name,
            key: key,
            keySource: request.idempotencyKey == nil ? .generated : request.keySource,
            fingerprint: IdempotencyKey.fingerprint(
                action: "replay",
                runID: request.runID.rawValue,
                fromCheckpoint: request.fromCheckpoint?.value
            ),
            runID: request.runID.rawValue,
            fromCheckpoint: request.fromCheckpoint?.value,
            force: request.force,
            door: request.origin.door.rawValue,
            requestID: request.origin.requestID,
            createdAt: now
        )
    }

    /// The oldest creation time a coalescing target may have at `now`, or `nil` when coalescing is off.
    func coalesceSince(now: Int64) -> Int64? {
        settings.coalesceWindow > .zero ? now - Self.milliseconds(settings.coalesceWindow) : nil
    }

    /// The answer to a repeat of an existing key with the same request: the stored answer of a final record (or
    /// the one its driver just gave), 202 for an indeterminate one, otherwise 409. Shared by the claim path and
    /// the preview.
    func answer(toExisting existing: ReplayRecord, running: DriverHandle?) -> ReplaySubmission {
        if existing.state.isFinal { return .completed(existing, replayed: true) }
        // A replay that created a run is answered before its outcome commits: a repeat of its key in between
        // gets the same answer from its driver, as it would from the store a moment later.
        if let answer = running?.published, answer.state.isFinal {
            return .completed(answer, replayed: true)
        }
        if existing.state == .indeterminate { return .pending(existing) }
        return .inProgress(existing)
    }

    /// The 503 for an open breaker (nothing is claimed or sent), or `nil` when it lets requests through.
    func breakerRefusal() -> ReplayError? {
        guard let breaker = guards?.breaker.snapshot, breaker.state == .open else { return nil }
        let seconds = breaker.reopensIn.map { max(1, $0.components.seconds) } ?? 1
        return ReplayError(
            .unavailable,
            "Strait at \(upstream.baseURL) is failing; replayd stopped sending to it for \(seconds) s "
                + "(circuit breaker open); nothing was sent",
            details: ["retry_after=\(seconds)"]
        )
    }

    /// Answers from the claim, or drives the new record and waits for its outcome. `running` is the driver that
    /// was working on the key when the request came (when this request holds no reservation).
    func proceed(
        _ claim: ClaimResult,
        reserved reservation: DriverHandle?,
        running: DriverHandle? = nil,
        now: Int64,
        logger: Logger,
        wait: Duration
    ) async -> ReplaySubmission {
        if let reservation, case .existing(let existing) = claim, !existing.state.isFinal,
            existing.state != .indeterminate
        {
            // Another request with this key created the record a moment ago without a reservation (this one held
            // it), so its driver could not start. The reservation guarantees that no driver runs for the record:
            // this request starts the one it needs, and still answers "in progress".
            startDriver(existing.id, initial: existing, reserved: reservation, logger: logger)
            return .inProgress(existing)
        }
        switch claim {
        case .fingerprintMismatch(let existing):
            return .keyReused(existing)
        case .existing(let existing):
            return answer(toExisting: existing, running: running)
        case .created(let created), .coalesced(let created, into: _):
            crash.reached(.afterClaim)
            if case .coalesced(_, let leader) = claim {
                logger.info(
                    "replay coalesced",
                    metadata: [
                        "into_key_hmac": "\(auditor.hashValue(leader.key))",
                        "key_hmac": "\(auditor.hashValue(created.key))",
                    ]
                )
            }
            if created.state.isFinal {
                // Coalesced into a replay that had already succeeded: the claim stored the outcome directly.
                do {
                    try await auditor.outcome(
                        created,
                        change: RecordChange(state: created.state, newRunID: created.newRunID),
                        at: now
                    )
                } catch {
                    logger.error("audit log could not record a coalesced outcome", metadata: ["error": "\(error)"])
                }
                return .completed(created, replayed: false)
            }
            if created.coalescedFrom == nil, created.errorCode == Self.pausedCode, created.attempts.isEmpty {
                logger.notice("replays are paused: the replay is accepted and held", metadata: ["paused": "true"])
                return .pending(created)
            }
            let handle = startDriver(
                created.id,
                initial: created,
                sendsRecordedAttempt: !created.attempts.isEmpty,
                reserved: reservation,
                logger: logger
            )
            return await waitForOutcome(created, handle: handle, wait: wait)
        }
    }

    /// The record `id`, or `nil`.
    public func record(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord? {
        try await store.record(id)
    }

    /// The principal's records that are not final, newest first (all principals when `principal` is nil).
    public func unfinishedRecords(principal: String?) async throws(StoreError) -> [ReplayRecord] {
        try await store.records(
            in: [.pending, .inFlight, .reconciling, .indeterminate],
            principal: principal,
            limit: 1000
        )
    }

    /// Starts a driver for every unfinished record that has none: crash recovery at startup, and the background
    /// sweep. Returns how many drivers were started.
    @discardableResult
    public func resumeUnfinished() async throws(StoreError) -> Int {
        guard !drivers.isDraining else { return 0 }
        var started = 0
        // The list is a snapshot: a record in it may have been driven to its end since, by a driver that has
        // finished. So each driver reads its record afresh when it starts (after the registry admitted it, so
        // after any earlier driver's last commit), never from this list.
        // A held replay (paused) is left to ``releaseHeld()``, which sends them one at a time in creation order.
        for record in try await store.unfinished(limit: 10_000)
        where !drivers.isActive(record.id) && !Self.isHeld(record) {
            startDriver(record.id, logger: logger)
            started += 1
        }
        return started
    }

    /// The circuit breaker's state (`closed`, `open`, `half_open`), or `nil` without guards.
    public var breakerState: String? { guards?.breaker.snapshot.state.rawValue }

    /// The rate limit learned from Strait (`X-RateLimit-Limit`/`-Remaining`), if any.
    public var learnedRateLimit: (limit: Int?, remaining: Int?) {
        let snapshot = guards?.pacer.snapshot
        return (snapshot?.limit, snapshot?.remaining)
    }

    /// How many replays this process is driving now.
    public var activeDriverCount: Int { drivers.count }

    /// Whether new drivers still start: `false` once graceful shutdown has begun (``ReplayDriverService``); a
    /// replay accepted after that is stored and resumed at the next start.
    public var acceptsNewDrivers: Bool { !drivers.isDraining }

    /// Starts the driver of `id` unless one runs; `initial` is the record as the caller last read or wrote it
    /// (`nil`: the driver reads it).
    ///
    /// With `sendsRecordedAttempt`, `initial` is a record just claimed with attempt 1 recorded: the driver sends
    /// it instead of reconciling it.
    @discardableResult
    func startDriver(
        _ id: ReplayRecordID,
        initial: ReplayRecord? = nil,
        sendsRecordedAttempt: Bool = false,
        reserved reservation: DriverHandle? = nil,
        logger: Logger
    ) -> DriverHandle {
        var driverLogger = logger
        // Idempotency keys are secrets of the caller: logs carry the same keyed hash as the audit log
        // (`replayd audit hash-value KEY` finds both).
        driverLogger[metadataKey: "key_hmac"] = "\(auditor.hashValue(id.key))"
        driverLogger[metadataKey: "principal"] = "\(id.principal)"
        let body: @Sendable (DriverHandle) async -> Void = { [self, driverLogger] handle in
            await self.drive(
                id,
                initial: initial,
                sendsRecordedAttempt: sendsRecordedAttempt,
                handle: handle,
                logger: driverLogger
            )
        }
        guard let reservation else { return drivers.start(id, body) }
        drivers.start(id, reserved: reservation, body)
        return reservation
    }

    /// Waits until the driver rests or `wait` (default `settings.wait`) passes on the wait clock, whichever is
    /// first.
    func waitForDriver(_ handle: DriverHandle, wait: Duration? = nil) async {
        let clock = self.waitClock
        let wait = wait ?? settings.wait
        _ = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await handle.wait() }
            group.addTask {
                try? await clock.sleep(for: wait)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// The answer for `created`, the record its claim just made durable, once its driver has one or `wait` has
    /// passed.
    private func waitForOutcome(
        _ created: ReplayRecord,
        handle: DriverHandle,
        wait: Duration
    ) async -> ReplaySubmission {
        if wait > .zero {
            await waitForDriver(handle, wait: wait)
        }
        // The driver's answer, without reading it back; the store only when it has none yet.
        let published = handle.published
        if let published, published.state.isFinal {
            crash.reached(.beforeAnswer)
            return .completed(published, replayed: false)
        }
        guard wait > .zero else {
            // An asynchronous answer (a webhook door, `Prefer: respond-async`): the caller is told the replay is
            // accepted, and the record as claimed, durable a moment ago, says so; reading it back would cost
            // every such request a query and a decode for a state the driver is changing anyway.
            return .pending(published ?? created)
        }
        do {
            guard let record = try await store.record(created.id) else {
                return .rejected(ReplayError(.internalError, "the replay record disappeared"))
            }
            if record.state.isFinal {
                crash.reached(.beforeAnswer)
                return .completed(record, replayed: false)
            }
            return .pending(record)
        } catch {
            return .rejected(ReplayError(.unavailable, "replayd's state store is unavailable: \(error.message)"))
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

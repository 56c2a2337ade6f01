import NIOHTTP1
import Strait

extension SimulatorStore {
    /// `_sentry_route` of a replayed run.
    static let replayRoute = "POST /v1/runs/{runID}/replay"

    /// `POST /v1/runs/{runID}/replay`, checks 9-16 and the creation of the run (spec §2 and §3).
    mutating func replay(runID: String, request: SimulatorRequest, caller: Caller, now: Now) -> SimulatorResponse {
        func refuse(_ status: Int, _ message: String) -> SimulatorResponse {
            .envelope(status: status, message: message, requestID: caller.requestID, headers: caller.headers)
        }

        // The idempotency middleware, when it is modelled as mounted on replay.
        let idempotencyScope: String?
        switch beginIdempotent(request, caller: caller, now: now) {
        case .answer(let answer): return answer
        case .proceed(let scope): idempotencyScope = scope
        }

        // 9-13: scope, run, status, job, job enabled.
        if let forbidden = requireScope("runs:write", caller) { return forbidden }
        guard let original = dataset.run(id: runID, projectID: caller.key.projectID) else {
            return refuse(404, "run not found")
        }
        guard original.status.isReplayable else { return refuse(400, "run is not replayable") }
        guard let job = dataset.jobs[original.jobID] else { return refuse(400, "job not found for run") }
        guard job.enabled else { return refuse(400, "job is disabled") }

        // 14-15: from_checkpoint (an empty value counts as absent).
        var checkpoint: Checkpoint?
        if let text = request.queryValue("from_checkpoint"), !text.isEmpty {
            guard let sequence = try? CheckpointSequence(parsing: text) else {
                return refuse(400, "from_checkpoint must be a positive integer")
            }
            guard let found = dataset.checkpoint(runID: runID, sequence: sequence.value) else {
                return refuse(404, "checkpoint not found")
            }
            checkpoint = found
        }

        // 16-18: enqueue throttle or failure, only through faults.
        switch faults.take(runID: runID, where: Self.isEnqueueFault) {
        case .enqueueThrottled(let seconds):
            var headers = caller.headers
            headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
            return .envelope(
                status: 429,
                code: "enqueue_throttled",
                message: "enqueue throttled",
                details: ["retry_after_seconds=\(seconds)"],
                requestID: caller.requestID,
                headers: headers
            )
        case .enqueueFailed(let status):
            return refuse(status, "internal server error")
        default:
            break
        }

        // Commit: the run exists from here on, whatever the response says.
        var created = makeRun(from: original, job: job, checkpoint: checkpoint, caller: caller, now: now)
        var stored = created
        stored.executionMode = "http"
        stored.queueName = "default"
        dataset.insert(stored)
        replayCounts.record(
            originalRunID: runID,
            requestID: caller.requestID,
            idempotencyKey: request.header("Idempotency-Key")
        )
        created.executionMode = nil
        created.queueName = nil
        let answer = SimulatorResponse.json(status: 201, created, headers: caller.headers)

        let fault = faults.take(runID: runID, where: Self.isAfterCommitFault)
        // The handler answered 201 unless the fault is an error status raised in the handler; a reset or a stall
        // happens on the wire after the middleware kept the 201.
        switch fault {
        case .afterCommit(.status500), .afterCommit(.status504), .afterCommit(.status429): break
        default: finishIdempotent(scope: idempotencyScope, handlerAnswer: answer, now: now)
        }
        switch fault {
        case .afterCommit(.status500):
            return refuse(500, "internal server error")
        case .afterCommit(.status504):
            return SimulatorResponse(status: 504, headers: caller.headers)
        case .afterCommit(.status429):
            return Self.admissionThrottled(retryAfter: 1, requestID: caller.requestID, headers: caller.headers)
        case .afterCommit(.reset):
            return .withoutResponse(.reset)
        case .afterCommit(.stall):
            return .withoutResponse(.stall)
        default:
            return answer
        }
    }

    /// The new run, built from the original as Strait builds it (spec §3).
    private func makeRun(
        from original: JobRun,
        job: SimulatorFixtures.Job,
        checkpoint: Checkpoint?,
        caller: Caller,
        now: Now
    ) -> JobRun {
        var generator = SystemRandomNumberGenerator()
        let (seconds, attoseconds) = now.unix.components
        let nanoseconds = attoseconds / 1_000_000_000
        let createdAt = StraitTimestamp(
            secondsSinceEpoch: seconds,
            nanoseconds: Int32(nanoseconds / 1000 * 1000)
        )
        let ttl = (job.runTTLSecs ?? 0) > 0 ? (job.runTTLSecs ?? 0) : job.timeoutSecs + 60

        var run = JobRun(
            id: UUIDv7.make(unixTime: now.unix, using: &generator),
            jobID: original.jobID,
            projectID: original.projectID,
            status: .queued,
            attempt: 1,
            triggeredBy: "manual",
            priority: original.priority,
            jobVersion: original.jobVersion,
            debugMode: checkpoint != nil,
            lineageDepth: 0,
            createdAt: createdAt
        )
        run.tags = original.tags
        if let checkpoint {
            run.payload = checkpoint.state
        } else {
            run.payload = original.payload
        }
        run.metadata = [
            "_sentry_route": .string(Self.replayRoute),
            "_sentry_request_id": .string(caller.requestID),
            "_sentry_actor_type": .string("api_key"),
        ]
        run.expiresAt = StraitTimestamp(secondsSinceEpoch: seconds + Int64(ttl), nanoseconds: Int32(nanoseconds))
        run.jobVersionID = job.currentVersionID
        run.createdBy = "apikey:\(caller.key.id)"
        return run
    }

    private static func isEnqueueFault(_ fault: SimulatorFault) -> Bool {
        switch fault {
        case .enqueueThrottled, .enqueueFailed: return true
        default: return false
        }
    }

    private static func isAfterCommitFault(_ fault: SimulatorFault) -> Bool {
        if case .afterCommit = fault { return true }
        return false
    }
}

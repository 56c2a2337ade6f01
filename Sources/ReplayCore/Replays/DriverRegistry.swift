import Synchronization

/// The records this process is driving right now, and the queue their drivers run from.
///
/// At most one driver runs per record. `start` only enqueues: the drivers run as child tasks of
/// ``runDrivers()``, which ``ReplayDriverService`` calls inside the daemon's `ServiceGroup`, so no driver outlives
/// the service that owns it. Graceful shutdown calls ``stopAccepting()``: no new driver starts after it (the record
/// stays unfinished in the store and is resumed at the next start), and running drivers stop at their next
/// durable point (``isDraining``).
final class DriverRegistry: Sendable {
    /// One driver waiting to run.
    struct Job: Sendable {
        let id: ReplayRecordID
        let handle: DriverHandle
        let body: @Sendable (DriverHandle) async -> Void
    }

    private struct State {
        var active: [ReplayRecordID: DriverHandle] = [:]
        /// Reserved ids whose driver has not been started yet.
        var unstarted: Set<ReplayRecordID> = []
        var accepting = true
    }

    private enum Admission {
        case existing(DriverHandle)
        case refused(DriverHandle)
        case admitted(Job)
    }

    private let state = Mutex(State())
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    private let draining = CompletionSignal()

    init() {
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Enqueues `body` as the driver of `id` unless one is already running or waiting. Returns the driver's
    /// handle either way (the body publishes its answer on it); after ``stopAccepting()`` the handle has already
    /// finished and nothing runs.
    @discardableResult
    func start(_ id: ReplayRecordID, _ body: @escaping @Sendable (DriverHandle) async -> Void) -> DriverHandle {
        let admission = state.withLock { state -> Admission in
            if let existing = state.active[id] { return .existing(existing) }
            let handle = DriverHandle()
            guard state.accepting else { return .refused(handle) }
            state.active[id] = handle
            return .admitted(Job(id: id, handle: handle, body: body))
        }
        switch admission {
        case .existing(let handle):
            return handle
        case .refused(let handle):
            handle.finish()
            return handle
        case .admitted(let job):
            if case .terminated = continuation.yield(job) { finish(job) }
            return job.handle
        }
    }

    /// Reserves `id` for a driver its caller starts once the record's claim has committed
    /// (``start(_:reserved:_:)``), so that the background sweep, which starts a driver for every unfinished record
    /// that has none, leaves a record claimed a moment ago to the request that claimed it. `nil` when a driver for
    /// `id` is running or waiting, or shutdown has begun.
    func reserve(_ id: ReplayRecordID) -> DriverHandle? {
        state.withLock { state -> DriverHandle? in
            guard state.accepting, state.active[id] == nil else { return nil }
            let handle = DriverHandle()
            state.active[id] = handle
            state.unstarted.insert(id)
            return handle
        }
    }

    /// Enqueues `body` as the driver of `id` under the reservation `handle`. After ``stopAccepting()`` nothing
    /// runs and the handle finishes.
    func start(
        _ id: ReplayRecordID,
        reserved handle: DriverHandle,
        _ body: @escaping @Sendable (DriverHandle) async -> Void
    ) {
        state.withLock { _ = $0.unstarted.remove(id) }
        let job = Job(id: id, handle: handle, body: body)
        if case .terminated = continuation.yield(job) { finish(job) }
    }

    /// Drops the reservation `handle` of `id` unless a driver was started under it (then the driver owns it):
    /// safe to call on every path once the caller is done with the reservation.
    func release(_ id: ReplayRecordID, reserved handle: DriverHandle) {
        let dropped = state.withLock { state -> Bool in
            guard state.active[id] === handle, state.unstarted.remove(id) != nil else { return false }
            state.active.removeValue(forKey: id)
            return true
        }
        if dropped { handle.finish() }
    }

    /// Runs each driver as it is started, as a child task, until ``stopAccepting()``; then returns once the
    /// drivers already running have returned. Cancelling the calling task cancels every driver.
    func runDrivers() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask { [self] in
                    await job.body(job.handle)
                    finish(job)
                }
            }
        }
    }

    /// Stops taking new drivers and tells running ones to stop at their next durable point.
    func stopAccepting() {
        state.withLock { $0.accepting = false }
        continuation.finish()
        draining.fire()
    }

    /// Whether shutdown has begun: a driver stops at its next durable point instead of taking another step.
    var isDraining: Bool { state.withLock { !$0.accepting } }

    /// Sleeps `duration` on `clock`, unless shutdown begins first. Returns `true` when the full time passed,
    /// `false` when shutdown began or the task was cancelled.
    func sleep(for duration: Duration, on clock: any ReplayClock) async -> Bool {
        guard !isDraining else { return false }
        let draining = self.draining
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await clock.sleep(for: duration)) != nil }
            group.addTask {
                _ = await draining.wait()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first && !Task.isCancelled
        }
    }

    /// Returns once shutdown begins (at once when it has). Testing only: ``CrashPoint/Phase/outcomeNeverCommitted``
    /// parks a driver here.
    func parkUntilShutdown() async {
        _ = await draining.wait()
    }

    /// Whether a driver for `id` is running or waiting to run.
    func isActive(_ id: ReplayRecordID) -> Bool {
        state.withLock { $0.active[id] != nil }
    }

    /// The handle of the driver running for `id`, if any.
    func handle(for id: ReplayRecordID) -> DriverHandle? {
        state.withLock { $0.active[id] }
    }

    /// How many drivers are running or waiting to run.
    var count: Int { state.withLock { $0.active.count } }

    private func finish(_ job: Job) {
        state.withLock { state in
            if state.active[job.id] === job.handle { state.active.removeValue(forKey: job.id) }
        }
        job.handle.finish()
    }
}

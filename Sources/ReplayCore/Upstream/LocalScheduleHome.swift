import Synchronization

/// The schedule of a single instance: in memory behind a mutex, on the clock's monotonic time. Every decision is
/// immediate (no wait, no I/O).
final class LocalScheduleHome: PacingScheduleHome {
    private let schedule: Mutex<PacingSchedule>
    private let clock: any ReplayClock

    /// Creates an empty schedule on `clock`.
    init(configuration: UpstreamPacer.Configuration, clock: any ReplayClock) {
        self.schedule = Mutex(PacingSchedule(configuration: configuration))
        self.clock = clock
    }

    func decide<Result: Sendable>(
        _ decision: @escaping @Sendable (inout PacingSchedule, Duration) -> Result
    ) async throws(CancellationError) -> Result {
        schedule.withLock { decision(&$0, clock.monotonicNow()) }
    }

    func apply(_ change: @escaping @Sendable (inout PacingSchedule, Duration) -> Void) {
        schedule.withLock { change(&$0, clock.monotonicNow()) }
    }

    func enter() { schedule.withLock { $0.enter() } }

    func leave() { schedule.withLock { $0.leave() } }

    func peek<Result>(_ body: (PacingSchedule, Duration) -> Result) -> Result? {
        let now = clock.monotonicNow()
        return schedule.withLock { body($0, now) }
    }

    func state() async -> UpstreamBudgetState? { nil }
}

#if canImport(Glibc)
import Glibc
#endif

/// Time for the audit log: wall time for each record's `ts`, segment age and retention; monotonic time for the
/// checkpoint interval; and the sleep between ``AuditLog/run()``'s maintenance passes.
///
/// The group-commit window is not measured with this clock: it is a real wait for the disk, a few milliseconds long.
/// Inject ``ManualAuditClock`` in tests so that ages, retention and intervals pass without sleeping.
public protocol AuditClock: Sendable {
    /// Wall-clock time as nanoseconds since the Unix epoch (UTC).
    func unixNanoseconds() -> Int64
    /// Monotonic time since an arbitrary origin. Only differences are meaningful.
    func monotonicNow() -> Duration
    /// Suspends for `duration` of this clock's time. Throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clocks: `CLOCK_REALTIME` for wall time, `ContinuousClock` for intervals and sleeping.
public struct SystemAuditClock: AuditClock {
    private let origin = ContinuousClock.now

    /// Creates the clock.
    public init() {}

    public func unixNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    public func monotonicNow() -> Duration { origin.duration(to: .now) }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

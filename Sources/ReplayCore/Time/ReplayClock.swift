#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Time for everything in replayd that waits or times out: a monotonic reading for intervals, a wall reading for
/// durable timestamps, and sleeping. Injected everywhere, so tests drive time with `ManualReplayClock` and never
/// depend on how fast the machine is.
public protocol ReplayClock: Sendable {
    /// Monotonic time since an arbitrary origin. Only differences are meaningful.
    func monotonicNow() -> Duration
    /// Wall-clock time as Unix milliseconds, for timestamps that must survive a restart.
    func wallNowMilliseconds() -> Int64
    /// Suspends for `duration` of this clock's time. Throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock: `ContinuousClock` and the system wall clock.
public struct SystemReplayClock: ReplayClock {
    private let origin = ContinuousClock.now

    /// Creates the clock.
    public init() {}

    public func monotonicNow() -> Duration { origin.duration(to: .now) }

    public func wallNowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

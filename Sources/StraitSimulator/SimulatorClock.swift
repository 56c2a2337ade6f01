#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The simulator's source of time. Rate limiters and the auth lockout read ``monotonicNow()``; timestamps
/// (`created_at`, `expires_at`, UUIDv7 ids) and `X-RateLimit-Reset` read ``unixNow()``.
///
/// Inject ``ManualSimulatorClock`` in tests so that windows and lockouts expire without sleeping.
public protocol SimulatorClock: Sendable {
    /// Monotonic time since an arbitrary fixed origin. Never goes backwards.
    func monotonicNow() -> Duration
    /// Wall-clock time since the Unix epoch (UTC).
    func unixNow() -> Duration
}

/// The real clocks: `ContinuousClock` for monotonic time and `CLOCK_REALTIME` for wall time.
public struct SystemSimulatorClock: SimulatorClock {
    private let origin: ContinuousClock.Instant

    /// Creates a clock whose monotonic origin is now.
    public init() {
        self.origin = ContinuousClock.now
    }

    public func monotonicNow() -> Duration {
        origin.duration(to: ContinuousClock.now)
    }

    public func unixNow() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }
}

import Foundation

/// The time `ReplayRunner` waits by: a monotonic reading, a sleep, and the wall clock for HTTP-dates. Tests pass a
/// clock whose sleep only advances its reading.
public protocol WaitClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    func now() -> Duration
    /// Sleeps for `duration` (returns early when the task is cancelled).
    func sleep(for duration: Duration) async
    /// The wall clock, in Unix seconds (for `Retry-After` dates).
    func unixSeconds() -> Int64
}

/// The real clock: `ContinuousClock` and `Date`.
public struct SystemWaitClock: WaitClock {
    private let origin = ContinuousClock.now

    /// Creates a clock reading from now.
    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async {
        try? await Task.sleep(for: duration)
    }

    public func unixSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

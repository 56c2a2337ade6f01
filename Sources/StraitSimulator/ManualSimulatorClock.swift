import Synchronization

/// A clock that moves only when told to, for tests: ``advance(by:)`` moves monotonic and wall time together.
public final class ManualSimulatorClock: SimulatorClock {
    private struct Readings {
        var monotonic: Duration
        var unix: Duration
    }

    private let readings: Mutex<Readings>

    /// Creates a clock reading `unixStart` (default 2026-05-01T12:00:00Z) with monotonic time zero.
    public init(unixStart: Duration = .seconds(1_777_636_800)) {
        self.readings = Mutex(Readings(monotonic: .zero, unix: unixStart))
    }

    /// Moves both readings forward by `duration` (negative durations are ignored: time never goes back).
    public func advance(by duration: Duration) {
        guard duration > .zero else { return }
        readings.withLock {
            $0.monotonic += duration
            $0.unix += duration
        }
    }

    public func monotonicNow() -> Duration {
        readings.withLock { $0.monotonic }
    }

    public func unixNow() -> Duration {
        readings.withLock { $0.unix }
    }
}

import ReplayCore

/// `breaker`: the upstream circuit breaker is not open. Half-open lets a trial request through, so it counts as
/// ready.
public struct BreakerReadinessCheck: ReadinessCheck {
    public let name = "breaker"
    private let breaker: CircuitBreaker

    /// Creates the check on the breaker replays go through.
    public init(breaker: CircuitBreaker) {
        self.breaker = breaker
    }

    public func check() async -> ReadinessResult {
        let snapshot = breaker.snapshot
        guard snapshot.state == .open else {
            return ReadinessResult(name: name, ok: true, detail: "breaker \(snapshot.state.rawValue)")
        }
        let reopens = snapshot.reopensIn.map { ", half-open in \($0.components.seconds) s" } ?? ""
        return ReadinessResult(
            name: name,
            ok: false,
            detail: "breaker open after \(snapshot.consecutiveFailures) consecutive upstream failures\(reopens)"
        )
    }
}

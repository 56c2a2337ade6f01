/// Whether a limiter lets a request through, and if not, when to try again.
public enum AdmissionDecision: Sendable, Hashable {
    /// Go ahead.
    case admitted
    /// Refused; a retry after this long may succeed (sent as `Retry-After`, rounded up to whole seconds).
    case refused(retryAfter: Duration)

    /// `Retry-After` in whole seconds, rounded up, at least 1; `nil` when admitted.
    public var retryAfterSeconds: Int? {
        guard case .refused(let delay) = self else { return nil }
        let (seconds, attoseconds) = delay.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}

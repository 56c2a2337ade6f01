/// One kind of failure the simulator can inject. See ``SimulatorFaultRule`` for the JSON form.
public enum SimulatorFault: Sendable, Hashable {
    /// What an after-commit fault does once the replayed run exists.
    public enum AfterCommitMode: String, Sendable, Hashable, CaseIterable {
        /// 500 `internal_error` `internal server error` (the envelope).
        case status500 = "status_500"
        /// 504 with an empty body (chi's `Timeout` middleware).
        case status504 = "status_504"
        /// 429 `rate_limited` `database admission control throttled`, raised at commit time (spec §2 row 8).
        case status429 = "status_429"
        /// A TCP reset: `SO_LINGER` 0, then close. No response bytes.
        case reset
        /// No response: the connection is held until the client closes it or the stall timeout passes.
        case stall
    }

    /// Check 1 (DB admission control) on a replay: 429 `rate_limited` `database admission control throttled`,
    /// details `["retry_after_seconds=N"]`, `Retry-After: N`. No run is created.
    case admissionThrottled(retryAfterSeconds: Int)
    /// Check 16 (enqueue throttle): 429 `enqueue_throttled` `enqueue throttled`, details
    /// `["retry_after_seconds=N"]`, `Retry-After: N`. No run is created.
    case enqueueThrottled(retryAfterSeconds: Int)
    /// Check 18 (enqueue failure): 500 `internal_error` or 503 `service_unavailable`, message
    /// `internal server error`. No run is created.
    case enqueueFailed(status: Int)
    /// The replayed run is created and counted, then the response is replaced as `mode` says.
    case afterCommit(AfterCommitMode)
    /// Delays each matching request by this many milliseconds before it is processed.
    case latency(milliseconds: Int)
    /// `GET /v1/runs` fails with 500 `internal_error` or 503 `service_unavailable` after auth and validation.
    case listFailure(status: Int)

    /// Whether this fault fires before the run is created (no run exists afterwards).
    public var isBeforeCommit: Bool {
        switch self {
        case .admissionThrottled, .enqueueThrottled, .enqueueFailed: return true
        case .afterCommit, .latency, .listFailure: return false
        }
    }
}

/// Where a durable replay record stands. Transitions (driven by `ReplayExecutor`):
///
/// ```
/// pending ──attempt recorded──► in_flight ──answer 201──────────────► succeeded
///    ▲                              │ ├──refused (4xx, final 5xx)───► failed
///    │                              │ └──nothing sent, retry later──► pending (next_action_at)
///    │                              └──sent, no answer / ambiguous──► reconciling
///    └──────── run not found, a retry is allowed ◄── reconciling ──found──► succeeded
///                                                    └─horizon passed──► indeterminate (operator: resolve)
/// ```
public enum ReplayState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Claimed; the next step is an upstream attempt (now, or at `nextActionAt`).
    case pending
    /// An attempt was recorded and may have been sent; its result is not recorded yet.
    case inFlight = "in_flight"
    /// An attempt's outcome is ambiguous; the run is being looked up by request id before anything is re-sent.
    case reconciling
    /// Final: Strait created the run (`newRunID`), or the request was coalesced into a replay that did.
    case succeeded
    /// Final: no run was created (Strait refused, or nothing could be sent in time).
    case failed
    /// Reconciliation could not decide before `reconcile_horizon`; an operator decides (`replayctl resolve`).
    case indeterminate

    /// `succeeded` or `failed`: the stored answer is replayed for the same key.
    public var isFinal: Bool { self == .succeeded || self == .failed }
}

/// How an upstream attempt ended.
public enum AttemptOutcome: String, Sendable, Hashable, Codable {
    /// Recorded before sending; no result yet. After a crash this means "maybe sent": reconcile first.
    case recorded
    /// Provably not sent (no request byte left): safe to retry.
    case notSent = "not_sent"
    /// Strait answered with `status`.
    case answered
    /// Sent, then no answer (timeout, reset): ambiguous.
    case sentNoResponse = "sent_no_response"
}

/// Where a replay's idempotency key came from.
public enum KeySource: String, Sendable, Hashable, Codable {
    /// The caller sent it (`Idempotency-Key`, `idempotency_key`, `--idempotency-key`).
    case client
    /// replayd generated it because the caller sent none.
    case generated
    /// Derived from a sender's delivery id or a bulk file line.
    case derived
}

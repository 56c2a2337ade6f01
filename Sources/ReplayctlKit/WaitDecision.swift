/// What to do after an answer: the pure decisions behind `ReplayRunner`'s waiting.
public enum WaitDecision: Sendable, Hashable {
    /// The answer is the result.
    case done
    /// Send the same request again after this delay (409 in progress, or 503 overload with a key).
    case resend(after: Duration)
    /// Read the record again after this delay (202 outcome pending).
    case poll(after: Duration)
    /// Stop and report the replay as pending: `--no-wait`, the wait timeout ran out, or the record is
    /// `indeterminate` (nothing changes it but an operator).
    case stopPending
}

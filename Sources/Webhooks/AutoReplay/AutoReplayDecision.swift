/// What an ``AutoReplayPolicy`` decided for one run notification.
public enum AutoReplayDecision: Sendable, Hashable {
    /// Replay the notified run. `number` is the 1-based count of this automatic replay in its lineage
    /// (so the door can record it, and operators can read "automatic replay 2 of 3").
    case replay(number: Int)
    /// Do not replay, and why.
    case skip(AutoReplaySkipReason)

    /// Whether the decision is to replay.
    public var isReplay: Bool {
        if case .replay = self { return true }
        return false
    }
}

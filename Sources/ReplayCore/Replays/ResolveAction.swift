/// What an operator decides about a replay that is stuck (`replayctl resolve KEY`).
public enum ResolveAction: Sendable, Hashable {
    /// Look the run up again now, with a fresh reconcile horizon.
    case reconcile
    /// The operator found the run: record it as the outcome.
    case markSucceeded(runID: String)
    /// The operator established that no run was created: record a failure with this reason.
    case markFailed(reason: String)
}

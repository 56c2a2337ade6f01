/// What an operator decides about a replay that is stuck (`replayctl resolve KEY`).
public enum ResolveAction: Sendable, Hashable {
    /// Look the run up again now, with a fresh reconcile horizon.
    case reconcile
    /// The operator found the run: record it as the outcome.
    case markSucceeded(runID: String)
    /// The operator established that no run was created: record a failure with this reason.
    case markFailed(reason: String)
}

extension ResolveAction {
    /// The `decision` in the audit record.
    var auditName: String {
        switch self {
        case .reconcile: return "reconcile"
        case .markSucceeded: return "mark_succeeded"
        case .markFailed: return "mark_failed"
        }
    }

    /// The `reason` in the audit record.
    var auditReason: String? {
        switch self {
        case .reconcile: return nil
        case .markSucceeded(let runID): return "run \(runID)"
        case .markFailed(let reason): return reason
        }
    }
}

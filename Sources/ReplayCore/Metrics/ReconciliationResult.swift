/// What one reconciliation round of an ambiguous attempt found: the `result` label of
/// `replayd_reconciliations_total`.
public enum ReconciliationResult: String, Sendable, CaseIterable {
    /// The attempt did create a run: the replay succeeded with it.
    case found
    /// No run was created: a new attempt is allowed.
    case notFound = "not_found"
    /// No run found yet, but Strait may still be working on the last attempt: looked at again later.
    case settling
    /// A lookup failed: retried with backoff.
    case lookupFailed = "lookup_failed"
    /// The reconcile horizon passed: the record became `indeterminate`.
    case horizonPassed = "horizon_passed"
}

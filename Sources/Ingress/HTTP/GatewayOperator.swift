import ReplayCore

/// The operator actions behind the socket's `POST /v1/reload`, `POST /v1/pause` and `POST /v1/resume`, which the
/// daemon provides. The router authorizes each one first (``ReplayPipeline/authorize(_:action:origin:logger:)``,
/// with `PolicyAction.reload` or `.pause`); these only act.
public protocol GatewayOperator: Sendable {
    /// Reloads the config on behalf of `by`.
    func reload(by: String) async -> ReloadReport
    /// Pauses `scope`.
    func pause(_ scope: PauseScope, reason: String?, by: String) async throws(StoreError) -> PauseStatus
    /// Resumes `scope` (`nil`: every pause).
    func resume(_ scope: PauseScope?, by: String) async throws(StoreError) -> PauseStatus
    /// The pauses in force and how many replays are held.
    func pauseStatus() async throws(StoreError) -> PauseStatus
}

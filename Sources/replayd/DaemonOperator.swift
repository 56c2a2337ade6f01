import Ingress
import ReplayCore

/// The daemon's answers to the socket's operator routes: reload through the ``ConfigReloader`` (none when the
/// daemon was started without a config file), pause and resume through the engine.
struct DaemonOperator: GatewayOperator {
    let reloader: ConfigReloader?
    let engine: ReplayEngine

    func reload(by: String) async -> ReloadReport {
        guard let reloader else {
            return ReloadReport(
                result: .rejected,
                config: "",
                oldDigest: "none",
                newDigest: "none",
                errors: ["replayd was started without a config file; there is nothing to re-read"]
            )
        }
        return await reloader.reload(by: by)
    }

    func pause(_ scope: PauseScope, reason: String?, by: String) async throws(StoreError) -> PauseStatus {
        try await engine.pause(scope, reason: reason, by: by)
    }

    func resume(_ scope: PauseScope?, by: String) async throws(StoreError) -> PauseStatus {
        try await engine.resume(scope, by: by)
    }

    func pauseStatus() async throws(StoreError) -> PauseStatus {
        try await engine.pauseStatus()
    }
}

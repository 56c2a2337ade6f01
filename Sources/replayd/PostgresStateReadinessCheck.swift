import Ingress
import ReplayCore

/// The `state_db` readiness check with `[state] backend = "postgres"`: the database answers a `SELECT 1` on a
/// pooled connection. The error is the store's (SQLSTATE and primary message; never the URL).
struct PostgresStateReadinessCheck: ReadinessCheck {
    let name = "state_db"
    let store: PostgresReplayStore

    func check() async -> ReadinessResult {
        do {
            try await store.ping()
            return ReadinessResult(name: name, ok: true)
        } catch {
            return ReadinessResult(name: name, ok: false, detail: error.message)
        }
    }
}

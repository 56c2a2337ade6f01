/// Where pauses are kept durably (the state database), so that they survive a restart. Small on purpose: the
/// SQLite store implements it, and so can any other state backend.
public protocol PauseStore: Sendable {
    /// Every pause in force.
    func pauses() async throws(StoreError) -> [PauseEntry]
    /// Adds `entry`, or replaces the pause of its scope.
    func savePause(_ entry: PauseEntry) async throws(StoreError)
    /// Removes the pause of `scope`; `nil` removes every pause.
    func removePauses(_ scope: PauseScope?) async throws(StoreError)
}

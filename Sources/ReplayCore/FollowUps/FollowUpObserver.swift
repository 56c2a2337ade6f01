/// Told the result of every follow-up attempt, after it is stored (the daemon audits final results).
///
/// Called from the worker's tasks, possibly concurrently for different conversations; a slow observer delays the
/// worker's next pass, not other posts of the same pass.
public protocol FollowUpObserver: Sendable {
    /// One attempt's result (``FollowUpEvent/isFinal`` tells whether the follow-up is done).
    func followUpAttempted(_ event: FollowUpEvent) async
}

/// How one line of a bulk replay ended, as the JSON lines and the summary name it.
public enum BulkLineStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A new run.
    case created
    /// The key was already done: replayd answered from its record, no new run (`Idempotent-Replayed`).
    case replayed
    /// Joined another replay of the same run and checkpoint, no new run (`Replayd-Coalesced`).
    case coalesced
    /// No run: refused, malformed, or replayd could not be asked.
    case failed
    /// replayd is still working on it (`--no-wait`, or the wait ran out).
    case pending
    /// Never sent: replayd was lost, or Ctrl-C came first. Safe to retry: run the same command again.
    case notSent = "not_sent"
    /// Sent, but Ctrl-C cancelled the wait for its answer. The same command again finds it by its key.
    case interrupted

    /// The status of a result. A key already done wins over coalescing: this time, nothing new happened.
    public init(_ result: ReplayResult) {
        switch result {
        case .created(let created):
            if created.replayed {
                self = .replayed
            } else if created.coalesced {
                self = .coalesced
            } else {
                self = .created
            }
        case .pending: self = .pending
        case .failed: self = .failed
        }
    }
}

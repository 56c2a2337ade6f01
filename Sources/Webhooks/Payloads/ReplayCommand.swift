/// What a chat user or a webhook asks replayd to do, whatever the source.
public enum ReplayCommand: Sendable, Hashable {
    /// Replay run `runID`, optionally from checkpoint `fromCheckpoint` (≥ 1); `force` asks to bypass replayd's
    /// own duplicate-replay guard (policy decides whether the principal may).
    case replay(runID: String, fromCheckpoint: Int?, force: Bool)
    /// Report what became of an earlier request, by the key replayd gave in its answer.
    case status(key: String)
    /// Show how to use the command.
    case help
}

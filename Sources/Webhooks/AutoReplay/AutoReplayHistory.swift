/// What replayd already did automatically for one lineage: the *original* run and every run that replays of it
/// created (the door resolves a replay's run back to the run it replays, recursively, before asking the policy).
public struct AutoReplayHistory: Sendable, Hashable {
    /// The first run of the lineage (the one no replay created).
    public var originalRunID: String
    /// How many automatic replays replayd has already made in this lineage (manual replays do not count).
    public var automaticReplays: Int
    /// When the last automatic replay was made, in unix seconds; `nil` when there was none.
    public var lastReplayAt: Int64?

    /// Creates a history.
    public init(originalRunID: String, automaticReplays: Int = 0, lastReplayAt: Int64? = nil) {
        self.originalRunID = originalRunID
        self.automaticReplays = automaticReplays
        self.lastReplayAt = lastReplayAt
    }

    /// A lineage with no automatic replay yet.
    public static func none(originalRunID: String) -> AutoReplayHistory {
        AutoReplayHistory(originalRunID: originalRunID)
    }
}

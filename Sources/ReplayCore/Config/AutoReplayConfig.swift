/// `[sources.auto_replay]`: which Strait run notifications replayd replays on its own, and how often.
public struct AutoReplayConfig: Sendable, Hashable {
    /// `statuses`: run statuses that qualify. Default `["failed", "timed_out"]`.
    public var statuses: [String] = ["failed", "timed_out"]
    /// `error_patterns`: regular expressions; a run qualifies only if its `error` matches one. Empty (the
    /// default) means any error.
    public var errorPatterns: [String] = []
    /// `max_replays_per_run`: the most automatic replays for one original run, counting replays of its replays,
    /// so a run that keeps failing cannot feed an endless loop. Default 3.
    public var maxReplaysPerRun: Int = 3
    /// `cooldown`: the least time between two automatic replays of one original run. Default 10 min.
    public var cooldown: Duration = .seconds(600)
    /// `enabled`: set false to verify and audit notifications without replaying anything. Default true.
    public var enabled: Bool = true

    /// Creates the section with the defaults above.
    public init() {}
}

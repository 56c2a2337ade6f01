/// `[state]`: where replayd keeps its durable state (SQLite database, audit segments).
public struct StateConfig: Sendable, Hashable {
    /// `dir`: an absolute directory. Default `/var/lib/replayd`.
    public var directory: String

    /// Creates the section with the defaults above.
    public init(directory: String = "/var/lib/replayd") {
        self.directory = directory
    }
}

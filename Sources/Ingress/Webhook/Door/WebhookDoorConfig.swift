import ReplayCore

/// What the webhook door serves, as one value a reload replaces whole: the sources (with their keyrings) by
/// name, and the directory that maps senders to principals. Each delivery reads it once, when it arrives.
public struct WebhookDoorConfig: Sendable {
    /// The configured sources, by name.
    public var sources: [String: WebhookSource]
    /// Maps chat and GitHub users to principals.
    public var directory: PrincipalDirectory

    /// Creates the value; of two sources with one name, the first wins.
    public init(sources: [WebhookSource], directory: PrincipalDirectory) {
        self.sources = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.directory = directory
    }
}

/// `[auth]`: how grants are checked.
public struct AuthConfig: Sendable, Hashable {
    /// `run_lookup_ttl`: how long the project and job of a run, read from Strait for a grant scoped by `projects`
    /// or `jobs`, are reused before being read again (0s to 24h). Default 5 minutes. A run's project and job never
    /// change, so the TTL only bounds memory and how long a deleted run keeps matching.
    public var runLookupTTL: Duration = .seconds(300)
    /// `run_lookup_cache_size`: the most runs remembered (1 to 1,000,000). Default 10,000.
    public var runLookupCacheSize: Int = 10_000

    /// Creates the defaults.
    public init() {}
}

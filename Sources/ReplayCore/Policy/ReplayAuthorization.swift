/// What authorizing a replay established, for its `received` audit record: the grant that allowed it and, when a
/// grant is scoped by project or job, the run's facts and whether they came from the lookup cache.
public struct ReplayAuthorization: Sendable, Hashable {
    /// The grant (or grants, joined with `+`) that allowed the replay; `nil` under a policy without grants.
    public var grant: String?
    /// The run's project and job, when they were looked up.
    public var run: RunFacts?
    /// `true` when ``run`` came from the cache, `false` when it was read from Strait for this request.
    public var runCached: Bool?

    /// Creates an authorization.
    public init(grant: String? = nil, run: RunFacts? = nil, runCached: Bool? = nil) {
        self.grant = grant
        self.run = run
        self.runCached = runCached
    }
}

import Strait

/// The policy's seam for reading a run's project and job before a replay that a scoped grant may allow.
public protocol RunLookup: Sendable {
    /// The facts of `runID`, and whether they came from the cache.
    ///
    /// - Throws: `ReplayError` `not_found` when Strait does not know the run, `upstream_unreachable` when it
    ///   could not be asked. Nothing is replayed either way.
    func facts(of runID: RunID, requestID: String) async throws(ReplayError) -> RunLookupResult
}

/// A run's facts, and where they came from (audited in the `received` record).
public struct RunLookupResult: Sendable, Hashable {
    /// The facts.
    public var facts: RunFacts
    /// `true` when no request was sent: the facts were read within the TTL.
    public var cached: Bool

    /// Creates a result.
    public init(facts: RunFacts, cached: Bool) {
        self.facts = facts
        self.cached = cached
    }
}

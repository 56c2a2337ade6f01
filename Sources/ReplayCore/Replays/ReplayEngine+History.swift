extension ReplayEngine {
    /// Records created at or after `since` (Unix milliseconds), in any state, newest first, at most `limit`: the
    /// principal's, or everyone's when `principal` is nil.
    public func history(principal: String?, since: Int64, limit: Int) async throws(StoreError) -> [ReplayRecord] {
        let all = Set(ReplayState.allCases)
        return try await store.records(in: all, principal: principal, limit: limit)
            .filter { $0.createdAt >= since }
    }
}

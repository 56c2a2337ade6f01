import Strait

/// The socket door's seam for reading one Strait run (`GET /v1/runs/{id}`), so `replayctl replay --follow` can
/// watch the new run without the Strait API key. `StraitClient` is the production one.
public protocol RunReader: Sendable {
    /// `GET /v1/runs/{id}` on Strait.
    func getRun(_ runID: RunID, requestID: String?) async throws(StraitClientError) -> StraitResult<JobRun>
}

extension StraitClient: RunReader {}

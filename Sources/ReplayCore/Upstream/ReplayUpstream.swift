import Strait

/// The pipeline's seam to Strait: one replay call, never retried inside. `StraitClient` is the production one.
public protocol ReplayUpstream: Sendable {
    /// The upstream's base URL, for status pages and error messages.
    var baseURL: String { get }
    /// One `POST /v1/runs/{id}/replay` carrying `X-Request-Id: requestID` and, when given,
    /// `Idempotency-Key: idempotencyKey` (``UpstreamIdempotencyKey``: the same on every attempt of a record).
    func replay(
        runID: RunID,
        fromCheckpoint: CheckpointSequence?,
        requestID: String,
        idempotencyKey: String?,
        timeout: Duration?
    ) async throws(StraitClientError) -> StraitResult<ReplayedRun>

    /// The request ``replay(runID:fromCheckpoint:requestID:idempotencyKey:timeout:)`` would send with these
    /// arguments, the API key redacted, built by the same code (explain and dry-run). Sends nothing.
    func replayPreview(
        runID: RunID,
        fromCheckpoint: CheckpointSequence?,
        requestID: String,
        idempotencyKey: String?,
        timeout: Duration?
    ) -> UpstreamRequestPreview

    /// `GET /v1/runs/{id}`: reconciliation reads the original run's project.
    func getRun(_ runID: RunID, requestID: String?) async throws(StraitClientError) -> StraitResult<JobRun>

    /// `GET /v1/runs?...`: reconciliation finds the run an attempt created by its request id.
    func listRuns(_ query: RunListQuery, requestID: String?) async throws(StraitClientError) -> StraitResult<[JobRun]>
}

extension StraitClient: ReplayUpstream {}

/// The methods replayd serves over JSON-RPC (`docs/json-rpc.md` documents their params, results and errors).
/// The daemon registers a handler for each; the names live here so the door, the docs and clients agree.
public enum ReplaydRPCMethod: String, Sendable, Hashable, CaseIterable {
    /// Replays a run through the pipeline, like `POST /v1/runs/{run_id}/replay` (params: ``RunsReplayParams``).
    case runsReplay = "runs.replay"
    /// Explains what `runs.replay` would do, sending nothing, like `POST /v1/runs/{run_id}/replay?dry_run=true`
    /// (params: ``RunsExplainParams``).
    case runsExplain = "runs.explain"
    /// A replay's durable record by idempotency key (params: ``ReplaysGetParams``).
    case replaysGet = "replays.get"
    /// Replays that are not final yet (`pending`, `in_flight`, `reconciling`); no params.
    case replaysPending = "replays.pending"
    /// Version, uptime, principal and upstream health, like `GET /v1/gateway/status`; no params.
    case gatewayStatus = "gateway.status"
}

/// What a grant can allow (`[[grants]] allow`). Replays are authorized by ``ReplayPolicy/authorize(_:_:)``;
/// every other action (reading, resolving, operating the daemon) by ``ReplayPolicy/authorize(_:action:door:)``.
public enum PolicyAction: String, Sendable, Hashable, CaseIterable {
    /// Replay a run from the start.
    case replay
    /// Replay a run from a checkpoint.
    case replayFromCheckpoint = "replay_from_checkpoint"
    /// Bypass coalescing (`?force=true`).
    case force
    /// Send many replays at once (`replayctl bulk`, JSON-RPC batches).
    case bulk
    /// Read status, one's own replays and pending records.
    case read
    /// Read everyone's replays.
    case readAll = "read_all"
    /// Resolve an indeterminate record.
    case resolve
    /// Read the audit tail over the socket.
    case auditRead = "audit_read"
    /// Create, list and revoke team tokens.
    case tokenAdmin = "token_admin"
    /// Explain a request as another principal (`replayctl explain --as`).
    case explainAs = "explain_as"
    /// Reload the config (`replayctl reload`).
    case reload
    /// Pause and resume sending replays upstream (`replayctl pause|resume`).
    case pause
}

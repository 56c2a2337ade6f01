import Curl

/// One replay to ask replayd for: what `replayctl replay` sends, once per run (or per line of a bulk file).
public struct ReplayRequestSpec: Sendable, Hashable {
    /// The run to replay.
    public var runID: String
    /// The checkpoint sequence, as typed (replayd validates it).
    public var fromCheckpoint: String?
    /// Bypass coalescing with an in-flight replay of the same run and checkpoint.
    public var force: Bool
    /// The `Idempotency-Key` to send; `nil` lets replayd generate one.
    public var idempotencyKey: String?
    /// One line of a bulk file: sent with `Replayd-Bulk: 1`, so replayd also checks the `bulk` grant.
    public var bulk = false

    /// Creates a request.
    public init(
        runID: String,
        fromCheckpoint: String? = nil,
        force: Bool = false,
        idempotencyKey: String? = nil,
        bulk: Bool = false
    ) {
        self.runID = runID
        self.fromCheckpoint = fromCheckpoint
        self.force = force
        self.idempotencyKey = idempotencyKey
        self.bulk = bulk
    }

    /// The request path, with its query.
    public var path: String {
        ReplayPaths.replay(runID: runID, fromCheckpoint: fromCheckpoint, force: force)
    }

    /// The request headers (the key, when there is one).
    public var headers: HTTPHeaders {
        var headers: HTTPHeaders = [:]
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if bulk { headers.add(name: "Replayd-Bulk", value: "1") }
        return headers
    }
}

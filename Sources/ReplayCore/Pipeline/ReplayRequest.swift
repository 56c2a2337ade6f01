import Strait

/// What a door hands the pipeline: one validated replay request and where it came from.
public struct ReplayRequest: Sendable {
    /// The run to replay.
    public var runID: RunID
    /// Replay from this checkpoint (its state becomes the payload), or from the start.
    public var fromCheckpoint: CheckpointSequence?
    /// The caller's idempotency key, if it sent one; replayd generates one otherwise.
    public var idempotencyKey: String?
    /// Where `idempotencyKey` came from (`client` for a caller's header or param, `derived` for a delivery id or a
    /// bulk line).
    public var keySource: KeySource
    /// Bypass coalescing.
    public var force: Bool
    /// One of many sent at once (`replayctl bulk`, a JSON-RPC batch): needs the `bulk` grant.
    public var bulk: Bool = false
    /// What the policy established (the grant, the run's project): set by the pipeline, audited in `received`.
    public var authorization: ReplayAuthorization?
    /// The door and the gateway's id for this request (logs, audit, error bodies).
    public var origin: RequestOrigin

    /// Creates a request.
    public init(
        runID: RunID,
        fromCheckpoint: CheckpointSequence? = nil,
        idempotencyKey: String? = nil,
        keySource: KeySource = .client,
        force: Bool = false,
        origin: RequestOrigin
    ) {
        self.runID = runID
        self.fromCheckpoint = fromCheckpoint
        self.idempotencyKey = idempotencyKey
        self.keySource = keySource
        self.force = force
        self.origin = origin
    }
}

/// Which door a request came through, and the gateway's request id.
public struct RequestOrigin: Sendable, Hashable {
    /// The door.
    public enum Door: String, Sendable, Hashable, CaseIterable {
        /// `POST /v1/runs/{id}/replay` on the Unix socket.
        case socket
        /// `runs.replay` over JSON-RPC on the Unix socket.
        case rpc
        /// A Slack slash command.
        case slack
        /// A Discord slash command.
        case discord
        /// A `/replay` line in a GitHub comment.
        case github
        /// A Standard Webhooks delivery.
        case standardWebhooks = "standard_webhooks"
        /// A Strait run notification, under a source's auto-replay policy.
        case strait
        /// `POST /v1/runs/{id}/replay` on the team door (TCP, bearer token).
        case team
    }

    /// The door.
    public var door: Door
    /// The gateway's request id (also sent upstream as the prefix of each attempt's `X-Request-Id`).
    public var requestID: String
    /// The `[[sources]]` name, for a webhook door.
    public var source: String?
    /// The Slack or Discord channel id, or the GitHub repository, a chat request came from (grants' `channels`).
    public var channel: String?

    /// Creates an origin.
    public init(door: Door, requestID: String, source: String? = nil, channel: String? = nil) {
        self.door = door
        self.requestID = requestID
        self.source = source
        self.channel = channel
    }
}

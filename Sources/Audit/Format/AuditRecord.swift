import Crypto

/// One audit event before it is sealed into the chain. ``AuditChain`` adds `seq`, `ts`, `key_id`, `prev`, `hash`
/// and `mac`; everything else is set by whoever records the event.
///
/// Secrets never go in: idempotency keys and delivery ids arrive here already keyed-hashed (``AuditKey/hashValue(_:)``),
/// bodies as ``BodyDigest``. Fields that are `nil` are left out of the line.
public struct AuditRecord: Sendable, Hashable {
    /// Who acted.
    public struct Actor: Sendable, Hashable {
        /// `uds`, `webhook`, `operator` or `system`.
        public var kind: String
        /// The principal's name, when one was established.
        public var principal: String?
        /// How the principal was authenticated (`unix_peer`, `slack_v0`, …).
        public var auth: String?
        /// Peer credentials on the socket.
        public var uid: Int64?
        public var gid: Int64?
        public var pid: Int64?

        /// Creates an actor.
        public init(
            kind: String,
            principal: String? = nil,
            auth: String? = nil,
            uid: Int64? = nil,
            gid: Int64? = nil,
            pid: Int64? = nil
        ) {
            self.kind = kind
            self.principal = principal
            self.auth = auth
            self.uid = uid
            self.gid = gid
            self.pid = pid
        }

        var json: AuditJSON {
            var members: [(String, AuditJSON)] = [("kind", .string(kind))]
            if let principal { members.append(("principal", .string(principal))) }
            if let auth { members.append(("auth", .string(auth))) }
            if let uid { members.append(("uid", .int(uid))) }
            if let gid { members.append(("gid", .int(gid))) }
            if let pid { members.append(("pid", .int(pid))) }
            return .object(members)
        }
    }

    /// One upstream attempt.
    public struct Attempt: Sendable, Hashable {
        /// The `X-Request-Id` sent to Strait.
        public var requestID: String
        /// The HTTP status, when a response arrived.
        public var status: Int?
        /// The outcome class (`created`, `refused`, `not_sent`, `ambiguous`, …).
        public var outcome: String

        /// Creates an attempt.
        public init(requestID: String, status: Int?, outcome: String) {
            self.requestID = requestID
            self.status = status
            self.outcome = outcome
        }

        var json: AuditJSON {
            var members: [(String, AuditJSON)] = [("request_id", .string(requestID)), ("outcome", .string(outcome))]
            if let status { members.append(("status", .int(Int64(status)))) }
            return .object(members)
        }
    }

    /// A body as its SHA-256 and size: the body itself is never stored.
    public struct BodyDigest: Sendable, Hashable {
        /// Lowercase hex SHA-256 of the raw bytes.
        public var sha256: String
        /// The size in bytes.
        public var size: Int

        /// Creates a digest from its parts.
        public init(sha256: String, size: Int) {
            self.sha256 = sha256
            self.size = size
        }

        /// The digest of `bytes`.
        public init(bytes: [UInt8]) {
            self.init(sha256: Hex.encode(SHA256.hash(data: bytes)), size: bytes.count)
        }

        var json: AuditJSON { .object([("sha256", .string(sha256)), ("size", .int(Int64(size)))]) }
    }

    /// The kind of event (`replay`, `denial`, `operator`, `lifecycle`, `segment_start`, …).
    public var kind: AuditKind
    /// The stage within the kind (`received`, `attempt`, `outcome`, `answered`, `denied`, `start`, …).
    public var stage: String?
    /// The door (`socket`, `rpc`, `webhook`, `system`).
    public var door: String?
    /// Where the request came from (a webhook source name, a remote address, the socket path).
    public var source: String?
    public var actor: Actor?
    /// replayd's id for the request (the one in logs and error bodies).
    public var requestID: String?
    public var runID: String?
    public var fromCheckpoint: Int64?
    public var force: Bool?
    /// The idempotency key, keyed-hashed.
    public var idempotencyKeyHash: String?
    /// The sender's delivery id, keyed-hashed.
    public var deliveryIDHash: String?
    /// What was decided (`accepted`, `denied`, `coalesced`, `succeeded`, …).
    public var decision: String?
    /// Why, in words or as an error code.
    public var reason: String?
    public var attempt: Attempt?
    public var newRunID: String?
    /// Microseconds from when the request was received.
    public var latencyMicroseconds: Int64?
    public var body: BodyDigest?
    /// How many events an aggregated record stands for.
    public var count: Int64?
    /// Kind-specific facts (segment links, pruning, repairs, key rotation), as a JSON object.
    public var details: [(String, AuditJSON)]

    /// Creates a record of `kind`.
    public init(
        kind: AuditKind,
        stage: String? = nil,
        door: String? = nil,
        source: String? = nil,
        actor: Actor? = nil,
        requestID: String? = nil,
        runID: String? = nil,
        fromCheckpoint: Int64? = nil,
        force: Bool? = nil,
        idempotencyKeyHash: String? = nil,
        deliveryIDHash: String? = nil,
        decision: String? = nil,
        reason: String? = nil,
        attempt: Attempt? = nil,
        newRunID: String? = nil,
        latencyMicroseconds: Int64? = nil,
        body: BodyDigest? = nil,
        count: Int64? = nil,
        details: [(String, AuditJSON)] = []
    ) {
        self.kind = kind
        self.stage = stage
        self.door = door
        self.source = source
        self.actor = actor
        self.requestID = requestID
        self.runID = runID
        self.fromCheckpoint = fromCheckpoint
        self.force = force
        self.idempotencyKeyHash = idempotencyKeyHash
        self.deliveryIDHash = deliveryIDHash
        self.decision = decision
        self.reason = reason
        self.attempt = attempt
        self.newRunID = newRunID
        self.latencyMicroseconds = latencyMicroseconds
        self.body = body
        self.count = count
        self.details = details
    }

    public static func == (lhs: AuditRecord, rhs: AuditRecord) -> Bool {
        lhs.json == rhs.json
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(json)
    }

    /// The record's own members (without `seq`, `ts` and the chain fields), in the names the log uses.
    public var json: AuditJSON {
        var members: [(String, AuditJSON)] = [("kind", .string(kind.rawValue))]
        func add(_ name: String, _ value: String?) {
            if let value { members.append((name, .string(value))) }
        }
        add("stage", stage)
        add("door", door)
        add("source", source)
        if let actor { members.append(("actor", actor.json)) }
        add("request_id", requestID)
        add("run_id", runID)
        if let fromCheckpoint { members.append(("from_checkpoint", .int(fromCheckpoint))) }
        if let force { members.append(("force", .bool(force))) }
        add("idem_key_hmac", idempotencyKeyHash)
        add("delivery_id_hmac", deliveryIDHash)
        add("decision", decision)
        add("reason", reason)
        if let attempt { members.append(("attempt", attempt.json)) }
        add("new_run_id", newRunID)
        if let latencyMicroseconds { members.append(("latency_us", .int(latencyMicroseconds))) }
        if let body { members.append(("body", body.json)) }
        if let count { members.append(("count", .int(count))) }
        if !details.isEmpty { members.append(("details", .object(details))) }
        return .object(members)
    }
}

/// The kinds of audit record.
public enum AuditKind: String, Sendable, Hashable, CaseIterable {
    /// A replay request: stages `received`, `attempt`, `outcome`, `answered`.
    case replay
    /// A request refused before the engine (unknown peer, policy, bad input, a webhook that failed verification).
    case denial
    /// A webhook delivery that verified: which key, which delivery, what replayd decided (stages `verified`,
    /// `duplicate`, `follow_up`).
    case webhook
    /// Denials from one source and reason within one interval, counted.
    case denialsAggregated = "denials_aggregated"
    /// An operator's action (`resolve`).
    case `operator`
    /// The daemon started or stopped, or loaded its config.
    case lifecycle
    /// The first record of every segment after the first: links to the previous segment.
    case segmentStart = "segment_start"
    /// Whole segments were removed by retention.
    case segmentPruned = "segment_pruned"
    /// A torn tail was truncated at startup.
    case repair
    /// The audit key changed: the first record under the new key.
    case anchor
}

/// What the rate-limit stage keys one request by.
public struct RateLimitSubject: Sendable, Hashable {
    /// What the request does: replays and reads have separate limits.
    public enum Kind: Sendable, Hashable {
        /// A replay (`POST /v1/runs/{id}/replay`, `runs.replay`, a chat command, an automatic replay).
        case replay
        /// Anything else an authenticated caller asks (status, records, runs, JSON-RPC calls).
        case read
    }

    /// Replay or read.
    public var kind: Kind
    /// The principal's name.
    public var principal: String
    /// The door and where on it the request came from: `socket/uid:1000`, `slack/slack-main`.
    public var source: String
    /// The run a replay is for; `nil` for a read.
    public var runID: String?

    /// Creates a subject.
    public init(kind: Kind, principal: String, source: String, runID: String? = nil) {
        self.kind = kind
        self.principal = principal
        self.source = source
        self.runID = runID
    }

    /// The subject of a replay request by `principal`: the source is the webhook source, or the peer's uid on the
    /// socket.
    public static func replay(_ request: ReplayRequest, principal: Principal) -> RateLimitSubject {
        RateLimitSubject(
            kind: .replay,
            principal: principal.name,
            source: source(door: request.origin.door, source: request.origin.source, principal: principal),
            runID: request.runID.rawValue
        )
    }

    /// The subject of a read by `principal` through `door`.
    public static func read(principal: Principal, door: RequestOrigin.Door) -> RateLimitSubject {
        RateLimitSubject(
            kind: .read,
            principal: principal.name,
            source: source(door: door, source: nil, principal: principal)
        )
    }

    static func source(door: RequestOrigin.Door, source: String?, principal: Principal) -> String {
        if let source { return "\(door.rawValue)/\(source)" }
        switch principal.authentication {
        case .unixPeer(let credentials, _): return "\(door.rawValue)/uid:\(credentials.uid)"
        case .webhook(let source, _): return "\(door.rawValue)/\(source)"
        case .token(let id): return "\(door.rawValue)/\(id)"
        }
    }
}

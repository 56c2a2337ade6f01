/// replayd's own JSON-RPC error codes, in the server range −32000…−32099 the specification sets aside.
///
/// Each one stands for one or more of the REST door's documented error codes, so a JSON-RPC client and a REST
/// client learn the same facts. `message` is the REST message, and `data` carries the REST envelope's `error`
/// object plus the HTTP status the REST door would have answered:
///
/// ```json
/// {"code": "upstream_unreachable", "message": "…", "details": ["…"], "status": 502}
/// ```
///
/// with `request_id` (Strait's, for ``upstreamRejected``) and `retry_after` (whole seconds) when known.
///
/// | Code | Name | REST `error.code` (HTTP status) |
/// |---|---|---|
/// | −32000 | `replay_failed` | `upstream_bad_response` (502), `internal_error` (500), any code not below |
/// | −32001 | `upstream_rejected` | Strait's own code and status, passed through |
/// | −32002 | `outcome_pending` | `upstream_outcome_unknown` (504), `outcome_pending` |
/// | −32003 | `conflict` | `conflict` (409): the same idempotency key is in flight |
/// | −32004 | `idempotency_key_mismatch` | `idempotency_key_mismatch` (422) |
/// | −32005 | `unavailable` | `service_unavailable` (503) |
/// | −32006 | `upstream_unreachable` | `upstream_unreachable` (502): nothing was sent |
/// | −32007 | `forbidden` | `unknown_peer`, `forbidden` (403) |
/// | −32008 | `not_found` | `not_found` (404) from replayd itself, e.g. an unknown replay key |
/// | −32009 | `rate_limited` | `rate_limited` (429) from replayd's own limiter |
///
/// Each case says what a client should do; `docs/json-rpc.md` has the same table for users.
///
/// A REST `bad_request` (400) becomes −32602 (``JSONRPCError/invalidParams(_:field:)``): in JSON-RPC the request's
/// fields are its params.
public enum JSONRPCServerCode: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// −32000: the call failed in a way no more specific code describes.
    case replayFailed = -32000
    /// −32001: Strait refused the call; its status and error pass through in `data`.
    case upstreamRejected = -32001
    /// −32002: the call reached Strait but its outcome is not known yet. Resending with a new key could run twice.
    case outcomePending = -32002
    /// −32003: a call with the same idempotency key is still in flight.
    case conflict = -32003
    /// −32004: the idempotency key was used before with different params.
    case idempotencyKeyMismatch = -32004
    /// −32005: replayd cannot take the call now (overloaded, shutting down, audit degraded).
    case unavailable = -32005
    /// −32006: Strait could not be reached and nothing was sent, so no run was created.
    case upstreamUnreachable = -32006
    /// −32007: the caller may not do this.
    case forbidden = -32007
    /// −32008: replayd has no such object (for example no replay under that key).
    case notFound = -32008
    /// −32009: replayd's own rate limit refused the call.
    case rateLimited = -32009

    /// The stable snake_case name used in `docs/json-rpc.md` and logs.
    public var name: String {
        switch self {
        case .replayFailed: return "replay_failed"
        case .upstreamRejected: return "upstream_rejected"
        case .outcomePending: return "outcome_pending"
        case .conflict: return "conflict"
        case .idempotencyKeyMismatch: return "idempotency_key_mismatch"
        case .unavailable: return "unavailable"
        case .upstreamUnreachable: return "upstream_unreachable"
        case .forbidden: return "forbidden"
        case .notFound: return "not_found"
        case .rateLimited: return "rate_limited"
        }
    }

    /// The server code for one of replayd's own REST error codes; `replay_failed` for any code without its own.
    /// `bad_request` has none here: it maps to −32602 (see ``JSONRPCError/init(replayError:retryAfterSeconds:)``).
    public init(restCode: String) {
        switch restCode {
        case "upstream_outcome_unknown", "outcome_pending": self = .outcomePending
        case "conflict", "request_in_progress": self = .conflict
        case "idempotency_key_mismatch", "idempotency_key_reused": self = .idempotencyKeyMismatch
        case "service_unavailable", "audit_unavailable": self = .unavailable
        case "upstream_unreachable": self = .upstreamUnreachable
        case "unknown_peer", "forbidden": self = .forbidden
        case "not_found": self = .notFound
        case "rate_limited": self = .rateLimited
        default: self = .replayFailed
        }
    }

    public var description: String { "\(rawValue) \(name)" }
}

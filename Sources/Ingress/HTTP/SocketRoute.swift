/// The socket door's routes, matched from the method and path alone, so the head check can answer 404 and 405
/// before a body byte is read and the router switches on the same match.
enum SocketRoute: Equatable {
    /// `GET /v1/_ping`
    case ping
    /// `GET /v1/gateway/status`
    case status
    /// `GET /v1/health` (readiness)
    case health
    /// `GET /metrics`
    case metrics
    /// `POST /v1/runs/{runID}/replay`, the run id still percent-encoded.
    case replay(encodedRunID: Substring)
    /// `POST /v1/rpc`
    case rpc
    /// `GET /v1/replays`
    case listReplays
    /// `GET /v1/replays/{key}`
    case getReplay(encodedKey: Substring)
    /// `POST /v1/replays/{key}/resolve`
    case resolveReplay(encodedKey: Substring)
    /// `GET /v1/audit`: the audit tail (`audit_read`).
    case auditTail
    /// `GET /v1/runs/{runID}`: Strait's run, read through replayd (`replayctl replay --follow`).
    case getRun(encodedRunID: Substring)
    /// `POST /v1/tokens`: create a team token.
    case createToken
    /// `GET /v1/tokens`: list team tokens.
    case listTokens
    /// `DELETE /v1/tokens/{id}`: revoke a team token.
    case revokeToken(encodedID: Substring)
    /// `POST /v1/reload`: re-read the config and swap it in (`replayctl reload`).
    case reload
    /// `POST /v1/pause`: stop sending replays upstream (`replayctl pause`).
    case pause
    /// `POST /v1/resume`: release held replays (`replayctl resume`).
    case resume

    /// Why a request matches no route.
    enum Miss: Error, Equatable {
        /// The path exists; the method does not (405, with `Allow`).
        case methodNotAllowed(allowed: String)
        /// No such path (404).
        case notFound
    }

    /// The route for `method` and `path` (still percent-encoded, without the query).
    static func match(method: String, path: String) -> Result<SocketRoute, Miss> {
        let parts = Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
        if parts == ["v1", "tokens"] {
            switch method {
            case "GET": return .success(.listTokens)
            case "POST": return .success(.createToken)
            default: return .failure(.methodNotAllowed(allowed: "GET, POST"))
            }
        }
        let (route, allowed): (SocketRoute?, String) =
            switch parts.count {
            case 1 where parts == ["metrics"]: (.metrics, "GET")
            case 2 where parts == ["v1", "_ping"]: (.ping, "GET")
            case 2 where parts == ["v1", "health"]: (.health, "GET")
            case 2 where parts == ["v1", "rpc"]: (.rpc, "POST")
            case 2 where parts == ["v1", "replays"]: (.listReplays, "GET")
            case 2 where parts == ["v1", "reload"]: (.reload, "POST")
            case 2 where parts == ["v1", "pause"]: (.pause, "POST")
            case 2 where parts == ["v1", "resume"]: (.resume, "POST")
            case 2 where parts == ["v1", "audit"]: (.auditTail, "GET")
            case 3 where parts[0] == "v1" && parts[1] == "gateway" && parts[2] == "status": (.status, "GET")
            case 3 where parts[0] == "v1" && parts[1] == "replays": (.getReplay(encodedKey: parts[2]), "GET")
            case 3 where parts[0] == "v1" && parts[1] == "runs": (.getRun(encodedRunID: parts[2]), "GET")
            case 3 where parts[0] == "v1" && parts[1] == "tokens": (.revokeToken(encodedID: parts[2]), "DELETE")
            case 4 where parts[0] == "v1" && parts[1] == "runs" && parts[3] == "replay":
                (.replay(encodedRunID: parts[2]), "POST")
            case 4 where parts[0] == "v1" && parts[1] == "replays" && parts[3] == "resolve":
                (.resolveReplay(encodedKey: parts[2]), "POST")
            default: (nil, "")
            }
        guard let route else { return .failure(.notFound) }
        return method == allowed ? .success(route) : .failure(.methodNotAllowed(allowed: allowed))
    }
}

import Strait

/// The routes the simulator serves, matched the way chi matches them: on the raw path, one `{runID}` segment
/// percent-decoded, a wrong method → 405 with `Allow`, anything else → `404 page not found`.
enum SimulatorRoute: Sendable, Hashable {
    case replay(runID: String)
    case getRun(runID: String)
    case listRuns
    case checkpoints(runID: String)
    case simFaults
    case simReplays
    case simRequests
    case simReset
    case simClock
    /// `POST /_sim/runs/{runID}/status` `{"status":"executing"}`: moves a run along queued → executing →
    /// completed or failed, for `--follow` tests and demos.
    case simRunStatus(runID: String)

    /// The outcome of matching a method and path.
    enum Match: Sendable, Hashable {
        case route(SimulatorRoute)
        case notFound
        case methodNotAllowed(allowed: [String])
        /// The path has a malformed percent escape (Go's server answers `400 Bad Request`).
        case badRequest
    }

    /// The pattern used in request counts and in run metadata (`_sentry_route`).
    var pattern: String {
        switch self {
        case .replay: return "POST /v1/runs/{runID}/replay"
        case .getRun: return "GET /v1/runs/{runID}"
        case .listRuns: return "GET /v1/runs"
        case .checkpoints: return "GET /v1/runs/{runID}/checkpoints"
        case .simFaults: return "/_sim/faults"
        case .simReplays: return "GET /_sim/replays"
        case .simRequests: return "GET /_sim/requests"
        case .simReset: return "POST /_sim/reset"
        case .simClock: return "GET /_sim/clock"
        case .simRunStatus: return "POST /_sim/runs/{runID}/status"
        }
    }

    /// The run id in the path, if the route has one.
    var runID: String? {
        switch self {
        case .replay(let id), .getRun(let id), .checkpoints(let id), .simRunStatus(let id): return id
        case .listRuns, .simFaults, .simReplays, .simRequests, .simReset, .simClock: return nil
        }
    }

    /// Whether this is one of the simulator's own `/_sim` routes (no auth, not counted, no faults).
    var isControl: Bool {
        switch self {
        case .simFaults, .simReplays, .simRequests, .simReset, .simClock, .simRunStatus: return true
        case .replay, .getRun, .listRuns, .checkpoints: return false
        }
    }

    /// Whether `path` is under `/_sim/`.
    static func isControlPath(_ path: String) -> Bool {
        path.hasPrefix("/_sim/")
    }

    /// Matches `method` and the raw `path`.
    static func match(method: String, path: String) -> Match {
        guard path.hasPrefix("/") else { return .notFound }
        let raw = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var segments: [String] = []
        for segment in raw {
            guard let decoded = PercentEncoding.decode(segment) else { return .badRequest }
            segments.append(decoded)
        }

        let candidate: (methods: [String], route: SimulatorRoute)?
        switch segments.count {
        case 2 where segments == ["v1", "runs"]:
            candidate = (["GET"], .listRuns)
        case 3 where segments[0] == "v1" && segments[1] == "runs" && !segments[2].isEmpty:
            candidate = (["GET"], .getRun(runID: segments[2]))
        case 4 where segments[0] == "v1" && segments[1] == "runs" && !segments[2].isEmpty && segments[3] == "replay":
            candidate = (["POST"], .replay(runID: segments[2]))
        case 4
        where segments[0] == "v1" && segments[1] == "runs" && !segments[2].isEmpty && segments[3] == "checkpoints":
            candidate = (["GET"], .checkpoints(runID: segments[2]))
        case 4 where segments[0] == "_sim" && segments[1] == "runs" && !segments[2].isEmpty && segments[3] == "status":
            candidate = (["POST"], .simRunStatus(runID: segments[2]))
        case 2 where segments[0] == "_sim":
            switch segments[1] {
            case "faults": candidate = (["GET", "POST", "DELETE"], .simFaults)
            case "replays": candidate = (["GET"], .simReplays)
            case "requests": candidate = (["GET"], .simRequests)
            case "reset": candidate = (["POST"], .simReset)
            case "clock": candidate = (["GET"], .simClock)
            default: candidate = nil
            }
        default:
            candidate = nil
        }
        guard let candidate else { return .notFound }
        guard candidate.methods.contains(method) else { return .methodNotAllowed(allowed: candidate.methods) }
        return .route(candidate.route)
    }
}

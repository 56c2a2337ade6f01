/// replayctl's exit codes. 0–8 follow the Strait CLI (`exitcodes.go`); 9–11 are replayctl's own.
enum ExitStatus: Int32, CaseIterable {
    case ok = 0
    case general = 1
    case usage = 3
    case auth = 4
    case notFound = 5
    case conflict = 6
    case badRequest = 7
    case upstreamServerError = 8
    /// The replayd socket could not be reached (not running, wrong path, no permission).
    case daemonUnreachable = 9
    /// replayd could not reach Strait; nothing was sent, so no run was created.
    case upstreamUnreachable = 10
    /// The replay reached Strait but no answer came back: a run may exist. Do not retry blindly.
    case outcomeUnknown = 11

    /// The Strait CLI's JSON `code` word for this status.
    var codeWord: String {
        switch self {
        case .ok: return "ok"
        case .general: return "error"
        case .usage: return "config_error"
        case .auth: return "auth_error"
        case .notFound: return "not_found"
        case .conflict: return "conflict"
        case .badRequest: return "validation_error"
        case .upstreamServerError: return "server_error"
        case .daemonUnreachable: return "daemon_unreachable"
        case .upstreamUnreachable: return "upstream_unreachable"
        case .outcomeUnknown: return "outcome_unknown"
        }
    }

    /// The exit status for an HTTP answer from replayd, with its error `code`.
    static func forResponse(status: Int, code: String?) -> ExitStatus {
        switch (status, code) {
        case (200..<300, _): return .ok
        case (_, "upstream_unreachable"): return .upstreamUnreachable
        case (_, "upstream_outcome_unknown"): return .outcomeUnknown
        case (400, _), (422, _): return .badRequest
        case (401, _), (403, _): return .auth
        case (404, _): return .notFound
        case (409, _): return .conflict
        case (500..<600, _): return .upstreamServerError
        default: return .general
        }
    }
}

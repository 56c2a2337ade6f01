/// replayctl's exit codes. 0–8 follow the Strait CLI (`exitcodes.go`); 9–12 are replayctl's own.
public enum ExitStatus: Int32, CaseIterable, Sendable {
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
    /// replayd accepted the replay and is still working on it (`202 outcome_pending`, or the wait ran out):
    /// `replayctl show KEY` tells how it ends. Re-running with the same key never creates a second run.
    case outcomePending = 12
    /// Stopped by Ctrl-C (SIGINT), as shells count it (128 + 2). A bulk replay prints how many lines are left;
    /// running the same command again resumes.
    case interrupted = 130

    /// The Strait CLI's JSON `code` word for this status.
    public var codeWord: String {
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
        case .outcomePending: return "outcome_pending"
        case .interrupted: return "interrupted"
        }
    }

    /// The exit status for an HTTP answer from replayd, with its error `code`.
    public static func forResponse(status: Int, code: String?) -> ExitStatus {
        switch (status, code) {
        case (202, "outcome_pending"): return .outcomePending
        case (200..<300, _): return .ok
        case (_, "upstream_unreachable"): return .upstreamUnreachable
        case (_, "upstream_outcome_unknown"): return .outcomeUnknown
        case (_, "outcome_pending"): return .outcomePending
        case (400, _), (422, _): return .badRequest
        case (401, _), (403, _): return .auth
        case (404, _): return .notFound
        case (409, _): return .conflict
        case (500..<600, _): return .upstreamServerError
        default: return .general
        }
    }

    /// How much a status needs attention, for aggregating many outcomes into one exit code (bulk replays).
    ///
    /// From least to most severe: `ok`; `outcomePending` (work continues, nothing is wrong yet); refusals of one
    /// request (`notFound`, `conflict`, `badRequest`); `general`; trouble on the way (`upstreamServerError`,
    /// `upstreamUnreachable`); refusals of the caller (`auth`); `daemonUnreachable`; `outcomeUnknown` (a run may
    /// exist: a person must look); `usage`; `interrupted`.
    public var severity: Int {
        switch self {
        case .ok: return 0
        case .outcomePending: return 1
        case .notFound: return 2
        case .conflict: return 3
        case .badRequest: return 4
        case .general: return 5
        case .upstreamServerError: return 6
        case .upstreamUnreachable: return 7
        case .auth: return 8
        case .daemonUnreachable: return 9
        case .outcomeUnknown: return 10
        case .usage: return 11
        case .interrupted: return 12
        }
    }

    /// The most severe of `statuses` (see `severity`); `ok` for none.
    public static func mostSevere<Statuses: Sequence>(_ statuses: Statuses) -> ExitStatus
    where Statuses.Element == ExitStatus {
        statuses.reduce(.ok) { $1.severity > $0.severity ? $1 : $0 }
    }
}

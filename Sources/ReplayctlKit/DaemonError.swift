import Curl

/// replayd could not be asked, or its answer was lost on the way.
public struct DaemonError: Error, Sendable {
    /// What went wrong, as replayctl tells people.
    public enum Kind: Sendable, Hashable {
        /// Nothing reached replayd: the socket's path is the problem (`SocketProblem` says how).
        case socket(SocketProblem)
        /// libcurl could not connect and the path looks fine now (replayd was restarting).
        case couldNotConnect
        /// replayd took the connection but gave no answer within the timeout.
        case notAnswering
        /// The connection broke after the request was (perhaps) sent.
        case lost
        /// The command was interrupted (Ctrl-C) before replayd answered.
        case cancelled
    }

    /// What libcurl reported (shown with `--debug` only).
    public let error: CurlError
    /// The socket that was tried.
    public let socketPath: String
    /// What went wrong.
    public let kind: Kind
    /// The timeout of the request, for the not-answering message.
    public let timeout: Duration?

    /// Creates an error for a failed transfer to `socketPath`; `problem` is what `SocketProbe` found, when it
    /// looked.
    public init(error: CurlError, socketPath: String, problem: SocketProblem? = nil, timeout: Duration? = nil) {
        self.error = error
        self.socketPath = socketPath
        self.timeout = timeout
        if let problem {
            kind = .socket(problem)
        } else if error.code == .cancelled {
            kind = .cancelled
        } else if error.code == .couldNotConnect && !error.facts.requestSent {
            kind = .couldNotConnect
        } else if error.code == .timedOut {
            kind = .notAnswering
        } else {
            kind = .lost
        }
    }

    /// 9 when nothing reached replayd (no connection), else 1.
    public var exitStatus: ExitStatus {
        switch kind {
        case .socket, .couldNotConnect: return .daemonUnreachable
        case .notAnswering:
            return error.facts.requestSent ? .general : .daemonUnreachable
        case .lost: return .general
        case .cancelled: return .interrupted
        }
    }

    /// Whether request bytes left this process: then replayd may have acted on the request.
    public var requestMayHaveArrived: Bool { exitStatus != .daemonUnreachable }

    /// A short code word for JSON output and tests (`no_socket`, `permission_denied`, ...).
    public var reason: String {
        switch kind {
        case .socket(.noSocket): return "no_socket"
        case .socket(.permissionDenied): return "permission_denied"
        case .socket(.notASocket): return "not_a_socket"
        case .socket(.nobodyListening): return "not_running"
        case .socket(.pathTooLong): return "path_too_long"
        case .socket(.other): return "socket_error"
        case .couldNotConnect: return "could_not_connect"
        case .notAnswering: return "not_answering"
        case .lost: return "connection_lost"
        case .cancelled: return "cancelled"
        }
    }

    /// A sentence for people: what is wrong and what to do. libcurl's own text is in `debugDetail`.
    public var message: String {
        let at = "replayd is not reachable at \(socketPath)"
        let which = "pass the right socket with --socket or REPLAYD_SOCKET"
        switch kind {
        case .socket(.noSocket):
            return "\(at): no socket there. Start it (`systemctl start replayd` or `replayd serve`), or \(which)."
        case .socket(.permissionDenied(let group, let directory)):
            if let directory {
                return "\(at): permission denied: you may not enter \(directory). Ask an operator for access."
            }
            let join = group.map { "join group \($0) and log in again" } ?? "join the socket's group and log in again"
            return "\(at): permission denied while connecting to the socket: \(join)."
        case .socket(.notASocket(let kind)):
            return "\(at): the path is \(kind), not a socket: \(which)."
        case .socket(.nobodyListening):
            return "\(at): nothing listens on the socket (replayd is not running; the socket is stale). Start it "
                + "(`systemctl start replayd` or `replayd serve`)."
        case .socket(.pathTooLong):
            return "\(at): the path is too long for a Unix socket (at most 107 bytes): \(which)."
        case .socket(.other(let text)):
            return "\(at): \(text); \(which)."
        case .couldNotConnect:
            return "\(at): the connection failed (replayd may be restarting). Try again, or \(which)."
        case .notAnswering:
            let seconds = timeout.map { " within \($0.components.seconds) s (--timeout)" } ?? ""
            return "replayd at \(socketPath) took the connection but did not answer\(seconds). It may be "
                + "overloaded or stuck: check its log (`journalctl -u replayd`), or raise --timeout."
        case .cancelled:
            return "interrupted before replayd at \(socketPath) answered"
        case .lost:
            return "lost the connection to replayd at \(socketPath) before it answered. Check its log "
                + "(`journalctl -u replayd`); it may have restarted."
        }
    }

    /// libcurl's text, for `--debug`.
    public var debugDetail: String { "libcurl: \(error.code) (curl \(error.curlCode)): \(error.message)" }
}

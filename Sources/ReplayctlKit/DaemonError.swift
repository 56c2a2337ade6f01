import Curl

/// replayd could not be asked, or its answer was lost on the way.
public struct DaemonError: Error, Sendable {
    /// What libcurl reported.
    public let error: CurlError
    /// The socket that was tried.
    public let socketPath: String

    /// Creates an error for a failed transfer to `socketPath`.
    public init(error: CurlError, socketPath: String) {
        self.error = error
        self.socketPath = socketPath
    }

    /// 9 when nothing reached replayd (no connection), else 1.
    public var exitStatus: ExitStatus {
        error.code == .couldNotConnect && !error.facts.requestSent ? .daemonUnreachable : .general
    }

    /// Whether request bytes left this process: then replayd may have acted on the request.
    public var requestMayHaveArrived: Bool { exitStatus != .daemonUnreachable }

    /// A sentence for people.
    public var message: String {
        if exitStatus == .daemonUnreachable {
            return "replayd is not reachable at \(socketPath) (\(error.message)). Is `replayd serve` running, "
                + "is this the right socket (--socket or REPLAYD_SOCKET), and are you in the socket's group?"
        }
        return "lost the connection to replayd at \(socketPath): \(error.message) (\(error.code))"
    }
}

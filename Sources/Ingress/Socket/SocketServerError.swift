import ReplayCore

/// Why the socket door could not start.
public struct SocketServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// Another replayd holds the lock for this socket path.
        case alreadyRunning = "already_running"
        /// The path is too long for `sun_path`, or is not absolute.
        case invalidPath = "invalid_path"
        /// Something that is not a socket sits at the socket path; replayd will not remove it.
        case pathOccupied = "path_occupied"
        /// The socket directory or the lock file fails the trust model (another user's, writable by others, a
        /// symbolic link).
        case untrustedPath = "untrusted_path"
        /// A system call failed.
        case system = "system"
    }

    /// What went wrong.
    public var code: Code
    /// A sentence for the operator.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The lock's error as a socket door error.
    public init(_ error: InstanceLockError) {
        let code: Code =
            if error.code == .alreadyRunning {
                .alreadyRunning
            } else if error.code == .untrusted {
                .untrustedPath
            } else {
                .system
            }
        self.init(code, error.message)
    }

    public var description: String { message }
}

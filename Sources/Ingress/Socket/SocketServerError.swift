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

    public var description: String { message }
}

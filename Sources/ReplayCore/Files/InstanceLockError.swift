/// Why the instance lock could not be taken.
public struct InstanceLockError: Error, Sendable, CustomStringConvertible {
    /// The class of problem. Stable: callers and tests switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case alreadyRunning = "already_running"
            case untrusted = "untrusted"
            case system = "system"
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// Another process holds the lock: a replayd is already running on this socket path.
        public static let alreadyRunning = Code(.alreadyRunning)
        /// The socket directory or the lock file fails the trust model (``FileTrust``).
        public static let untrusted = Code(.untrusted)
        /// A system call failed.
        public static let system = Code(.system)

        /// A stable snake_case name.
        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public var code: Code
    /// A sentence for the operator, with the fix where there is one.
    public var message: String
    /// The pid of the replayd holding the lock, when it wrote one into the lock file.
    public var holderPID: Int32?
    /// The trust problem, for ``Code/untrusted``.
    public var trust: FileTrustError?

    /// Creates an error.
    public init(code: Code, message: String, holderPID: Int32? = nil, trust: FileTrustError? = nil) {
        self.code = code
        self.message = message
        self.holderPID = holderPID
        self.trust = trust
    }

    /// The trust problem as a lock error.
    public static func untrusted(_ problem: FileTrustError) -> InstanceLockError {
        InstanceLockError(code: .untrusted, message: problem.description, trust: problem)
    }

    public var description: String { message }
}

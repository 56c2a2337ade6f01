/// A file or directory that replayd will not trust: what was found at which path, and the command that fixes it.
///
/// The description reads `state directory /var/lib/replayd is owned by uid 1001 (alice), not by replayd (uid 998)
/// or root; fix: chown replayd /var/lib/replayd && chmod 0700 /var/lib/replayd`. It never holds file contents.
public struct FileTrustError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem. Stable: callers and tests switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case symbolicLink = "symbolic_link"
            case wrongType = "wrong_type"
            case untrustedOwner = "untrusted_owner"
            case unsafeMode = "unsafe_mode"
            case notWritable = "not_writable"
            case underAFile = "under_a_file"
            case uninspectable = "uninspectable"
            case system = "system"
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The last component of the path is a symbolic link; replayd does not follow them.
        public static let symbolicLink = Code(.symbolicLink)
        /// A directory was expected and something else is there, or the other way round.
        public static let wrongType = Code(.wrongType)
        /// Owned by a user who is neither the daemon's effective uid nor root.
        public static let untrustedOwner = Code(.untrustedOwner)
        /// Group or others may write it (or, for a key file, others may read it).
        public static let unsafeMode = Code(.unsafeMode)
        /// replayd may not create or remove entries in the directory.
        public static let notWritable = Code(.notWritable)
        /// A component of the path is not a directory, so the path cannot be created.
        public static let underAFile = Code(.underAFile)
        /// `lstat` failed for another reason (`EACCES` on a parent…).
        public static let uninspectable = Code(.uninspectable)
        /// A system call failed while creating or opening the path.
        public static let system = Code(.system)

        /// A stable snake_case name.
        public var description: String { base.rawValue }
    }

    /// The class of problem.
    public var code: Code
    /// The path concerned.
    public var path: String
    /// What is wrong, naming the path, and the owner and mode found where they matter.
    public var message: String
    /// A shell command (or a sentence) that fixes it, when there is one.
    public var fix: String?

    /// Creates an error.
    public init(code: Code, path: String, message: String, fix: String? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.fix = fix
    }

    /// `message; fix: fix`.
    public var description: String {
        guard let fix else { return message }
        return "\(message); fix: \(fix)"
    }
}

/// The exit statuses of `replayd audit`: 0 success (for `verify`: intact), 1 tampered (only `verify`), 2 a usage
/// or I/O error (bad flags, a missing directory, an unreadable key).
///
/// `audit` uses 2 for usage errors where replayd's other commands use 3, so that `verify` has the conventional
/// three outcomes of a checker (like `cmp` and `diff`): scripts can tell "tampered" from "could not check".
public enum AuditExitStatus: Int32, Sendable, Hashable, CaseIterable {
    /// Success; for `verify`, the log is intact.
    case ok = 0
    /// `verify` found a problem.
    case tampered = 1
    /// A usage or I/O error: nothing was (or could be) checked.
    case error = 2

    /// The status for a verification result.
    public init(_ verification: AuditVerification) {
        self = verification.intact ? .ok : .tampered
    }

    /// The usage-error exit code for a replayd command line (the arguments after the program name): ``error``'s
    /// for `replayd audit …`, `nil` (the default, 3) for everything else.
    public static func usageExitCode(forArguments arguments: [String]) -> Int32? {
        arguments.first == "audit" ? AuditExitStatus.error.rawValue : nil
    }
}

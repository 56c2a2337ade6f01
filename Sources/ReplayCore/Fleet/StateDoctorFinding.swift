/// One finding of the PostgreSQL state checks of `replayd doctor` (``PostgresStateDoctor``): what was checked,
/// how it stands, what was seen and how to fix it. The daemon turns these into its own findings.
public struct StateDoctorFinding: Sendable, Hashable {
    /// How a check stands.
    public enum Status: String, Sendable, Hashable {
        case ok
        case warn
        case fail
    }

    /// `database`, `migrations`, `skew` or `fleet`.
    public var check: String
    public var status: Status
    /// What was seen; never the URL or a password.
    public var message: String
    /// What to do (for `warn` and `fail`).
    public var fix: String?

    /// Creates a finding.
    public init(check: String, status: Status, message: String, fix: String? = nil) {
        self.check = check
        self.status = status
        self.message = message
        self.fix = fix
    }
}

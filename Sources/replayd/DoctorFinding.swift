/// One thing `replayd doctor` looked at: what, how it stands, what was seen, and how to fix it.
struct DoctorFinding: Encodable, Sendable {
    /// How a check stands.
    enum Status: String, Encodable, Sendable {
        case ok
        case warn
        case fail
    }

    /// The check's name (`config`, `files`, `upstream`, `clock`, `socket`, `disk`).
    var check: String
    var status: Status
    /// What was seen, in words; never a secret.
    var message: String
    /// What to do about it (for `warn` and `fail`).
    var fix: String?
}

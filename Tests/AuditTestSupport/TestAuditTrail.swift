import Audit
import Crypto
import Logging
import ReplayCore

/// A real audit log in a test's directory (real files, real fdatasync, real signatures) and the auditor on it.
public struct TestAuditTrail: Sendable {
    /// The fixed audit key every test log is written under.
    public static let key: AuditKey = {
        do {
            return try AuditKey(material: Array("replayd-test-audit-key-0123456789abcdef".utf8))
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    /// The log, in `<directory>/audit`.
    public let log: AuditLog
    /// The auditor on it.
    public let auditor: ReplayAuditor
    /// The audit directory.
    public let directory: String

    /// Opens a log under `directory`, its writes failing as `writeFaults` says.
    public init(
        directory: String,
        clock: any ReplayClock,
        writeFaults: any AuditWriteFaults = NoAuditWriteFaults(),
        logger: Logger
    ) {
        self.directory = directory + "/audit"
        log = AuditLog(
            configuration: AuditLogConfiguration(
                directory: self.directory,
                key: Self.key,
                signingKey: Curve25519.Signing.PrivateKey(),
                origin: "test/replayd",
                minFreeBytes: 0,
                groupCommitWait: .zero
            ),
            writeFaults: writeFaults,
            logger: logger
        )
        auditor = ReplayAuditor(sink: log, key: Self.key, clock: clock, logger: logger)
    }
}

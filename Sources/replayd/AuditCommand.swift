import ArgumentParser
import Audit
import Foundation

/// `replayd audit`: check, read and search the tamper-evident audit log, offline.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify, read and search the tamper-evident audit log.",
        discussion: """
            These commands only read: they work on a copy of the log as well as on the live one, and need no running \
            daemon. See docs/audit.md for the record format, the chain and the checkpoints.

            Exit status: 0 success (for `verify`: intact), 1 tampered (`verify` only), 2 a usage or I/O error (bad \
            flags, a missing directory, an unreadable key). Usage errors exit 2 here, not 3 as elsewhere in replayd, \
            so that a script can tell "tampered" from "could not check".

            Examples:
              replayd audit verify --config /etc/replayd/replayd.toml --key /var/lib/replayd/audit.key
              replayd audit tail --config /etc/replayd/replayd.toml --since 1h
              replayd audit hash-value nightly-42 --key /var/lib/replayd/audit.key
            """,
        subcommands: [AuditVerifyCommand.self, AuditTailCommand.self, AuditHashValueCommand.self]
    )

    /// Writes `message` to stderr, prefixed with the command, and returns the exit code for usage and I/O errors.
    static func failure(_ command: String, _ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("replayd audit \(command): \(message)\n".utf8))
        return ExitCode(AuditExitStatus.error.rawValue)
    }
}

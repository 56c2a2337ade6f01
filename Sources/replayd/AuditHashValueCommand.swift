import ArgumentParser
import Audit

/// `replayd audit hash-value VALUE --key FILE`: the keyed hash records store instead of a secret value.
struct AuditHashValueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-value",
        abstract: "Print the keyed hash of a value, to find the records about it.",
        discussion: """
            Idempotency keys and delivery ids are never stored in the audit log: records hold \
            "hmac-sha256:<hex>" under the audit key instead (idem_key_hmac, delivery_id_hmac). This prints that \
            hash for VALUE, so that you can grep the segments for it:

              grep "$(replayd audit hash-value KEY --key FILE)" AUDIT_DIR/audit-*.jsonl

            Use the key the records were written under. A value that begins with "-" goes last, after "--": \
            replayd audit hash-value --key FILE -- -VALUE. Exit status: 0, or 2 when the key cannot be read.

            Examples:
              replayd audit hash-value nightly-42 --key /var/lib/replayd/audit.key
              replayd audit hash-value --key /var/lib/replayd/audit.key -- -starts-with-a-dash
            """
    )

    @Argument(help: ArgumentHelp("The idempotency key or delivery id.", valueName: "value"))
    var value: String

    @Option(name: .long, help: ArgumentHelp("The audit key file.", valueName: "file"))
    var key: String

    func run() async throws {
        let auditKey: AuditKey
        do {
            auditKey = try AuditKey(contentsOf: key)
        } catch {
            throw AuditCommand.failure("hash-value", error.description)
        }
        print(auditKey.hashValue(value))
    }
}

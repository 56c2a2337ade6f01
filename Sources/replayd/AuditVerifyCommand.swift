import ArgumentParser
import Audit
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `replayd audit verify`: check the whole log offline.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the audit log is intact: nothing changed, removed, reordered, spliced or replayed.",
        discussion: """
            Checks every line of every segment in order and stops at the first problem: each line is whole and \
            canonical JSON, seqs are gapless, each record's hash, prev and MAC are right under a --key whose key id \
            it names, every segment links to the one before, a log that starts after seq 1 has the segment_pruned \
            record for what was removed, and each checkpoint is signed by the checkpoint key and matches the log.

            Give every audit key the log was written under (after a key rotation, the old ones too). Without \
            --checkpoints, <dir>/checkpoints.jsonl is used if it exists; without --checkpoint-key, \
            <dir>/../audit-signing.key.pub. Only checkpoints can reveal whole records cut off the end of the log: \
            keep a copy of checkpoints.jsonl off the machine and verify against it.

            Exit status: 0 intact; 1 tampered (prints "tampered: seq N (segment S, line L): reason"); 2 a usage or \
            I/O error (no directory, an unreadable key or file, bad flags).

            Examples:
              replayd audit verify --dir /var/lib/replayd/audit --key /var/lib/replayd/audit.key
              replayd audit verify --dir ./audit-copy --key old.key --key audit.key --checkpoints ./offsite/checkpoints.jsonl
            """
    )

    @OptionGroup var location: AuditLocationOptions

    @Option(
        name: .customLong("key"),
        help: ArgumentHelp("An audit key file; repeat for every key the log was written under.", valueName: "file")
    )
    var keys: [String] = []

    @Option(name: .long, help: ArgumentHelp("The checkpoints file (JSON lines).", valueName: "file"))
    var checkpoints: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The checkpoint public key (PEM, 64 hex digits, or 32 raw bytes).", valueName: "file")
    )
    var checkpointKey: String?

    func run() async throws {
        let paths: AuditPaths
        do {
            paths = try location.paths(
                overriddenBy: AuditPaths(keyFiles: keys, checkpointsFile: checkpoints, checkpointKeyFile: checkpointKey)
            )
            .withDefaults { access($0, F_OK) == 0 }
        } catch {
            throw AuditCommand.failure("verify", error.description)
        }
        guard let dir = paths.dir else {
            throw AuditCommand.failure("verify", "no audit directory: pass --dir DIR")
        }
        guard !paths.keyFiles.isEmpty else {
            throw AuditCommand.failure("verify", "no audit key: pass --key FILE (once for every key the log used)")
        }

        var auditKeys: [AuditKey] = []
        for path in paths.keyFiles {
            do {
                auditKeys.append(try AuditKey(contentsOf: path))
            } catch {
                throw AuditCommand.failure("verify", error.description)
            }
        }
        var checkpointFile = AuditCheckpointFile(checkpoints: [])
        if let path = paths.checkpointsFile {
            do {
                checkpointFile = try AuditCheckpointFile.read(path)
            } catch {
                throw AuditCommand.failure("verify", "checkpoints: \(error.description)")
            }
        }
        var publicKey: Curve25519.Signing.PublicKey?
        if let path = paths.checkpointKeyFile {
            do {
                publicKey = try AuditSigningKeys.loadPublicKey(path)
            } catch {
                throw AuditCommand.failure("verify", error.description)
            }
        }

        let verification: AuditVerification
        do {
            verification = try AuditVerifier(keys: auditKeys, checkpointFile: checkpointFile, checkpointKey: publicKey)
                .verify(directory: dir)
        } catch {
            throw AuditCommand.failure("verify", error.description)
        }
        var lines = verification.report
        if let path = paths.checkpointsFile { lines.append("checkpoints file: \(path)") }
        if let path = paths.checkpointKeyFile { lines.append("checkpoint key: \(path)") }
        print(lines.joined(separator: "\n"))
        let status = AuditExitStatus(verification)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

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

            Several instances (a fleet on one PostgreSQL state): repeat --dir, once per instance's log. Each chain \
            is verified on its own, with its own checkpoints (--checkpoints once per --dir, in the same order, or \
            each <dir>/checkpoints.jsonl) and checkpoint key (--checkpoint-key once for all, once per --dir, or each \
            <dir>/../audit-signing.key.pub), under every --key given (each record names its key). The report names \
            each chain's instance (the records' "instance", else its checkpoints' origin), its records and first and \
            last time, and whether it is intact or where exactly it breaks; two directories that claim one instance \
            id are reported too, and fail the check. -o json prints the same as one JSON object.

            Exit status: 0 intact (every chain); 1 tampered (any chain, or an instance id claimed twice) (prints "tampered: seq N (segment S, line L): reason"); 2 a usage or \
            I/O error (no directory, an unreadable key or file, bad flags).

            Examples:
              replayd audit verify --dir /var/lib/replayd/audit --key /var/lib/replayd/audit.key
              replayd audit verify --dir ./audit-copy --key old.key --key audit.key --checkpoints ./offsite/checkpoints.jsonl
              replayd audit verify --dir ./gw-a/audit --dir ./gw-b/audit --key gw-a.key --key gw-b.key -o json
            """
    )

    @OptionGroup var location: AuditLocationOptions

    @Option(
        name: .customLong("key"),
        help: ArgumentHelp("An audit key file; repeat for every key the log was written under.", valueName: "file")
    )
    var keys: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("The checkpoints file (JSON lines); with several --dir, one per --dir.", valueName: "file")
    )
    var checkpoints: [String] = []

    @Option(
        name: .customLong("checkpoint-key"),
        help: ArgumentHelp(
            "The checkpoint public key (PEM, 64 hex digits, or 32 raw bytes); with several --dir, one for all or one per --dir.",
            valueName: "file"
        )
    )
    var checkpointKeys: [String] = []

    /// `-o text|json`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(name: [.short, .long], help: "Output format: text (default) or json.")
    var output: Format = .text

    func run() async throws {
        if location.dirs.count > 1 || output == .json {
            let base: AuditPaths
            do {
                base = try location.paths(overriddenBy: AuditPaths(keyFiles: keys))
            } catch {
                throw AuditCommand.failure("verify", error.description)
            }
            let directories = location.dirs.isEmpty ? (base.dir.map { [$0] } ?? []) : location.dirs
            guard !directories.isEmpty else {
                throw AuditCommand.failure("verify", "no audit directory: pass --dir DIR")
            }
            if directories.count == 1, checkpoints.count <= 1, checkpointKeys.count <= 1 {
                // One log: the config's checkpoints and key apply, as in the text form.
                var one = base.overridden(
                    by: AuditPaths(checkpointsFile: checkpoints.first, checkpointKeyFile: checkpointKeys.first)
                )
                one.dir = directories[0]
                one = one.withDefaults { access($0, F_OK) == 0 }
                try verifyEach(
                    directories: directories,
                    keyFiles: one.keyFiles,
                    checkpointFiles: one.checkpointsFile.map { [$0] } ?? [],
                    checkpointKeyFiles: one.checkpointKeyFile.map { [$0] } ?? []
                )
                return
            }
            try verifyEach(
                directories: directories,
                keyFiles: base.keyFiles,
                checkpointFiles: checkpoints,
                checkpointKeyFiles: checkpointKeys
            )
            return
        }
        if checkpoints.count > 1 || checkpointKeys.count > 1 {
            throw AuditCommand.failure("verify", "--checkpoints and --checkpoint-key go once per --dir")
        }
        let paths: AuditPaths
        do {
            paths = try location.paths(
                overriddenBy: AuditPaths(
                    keyFiles: keys,
                    checkpointsFile: checkpoints.first,
                    checkpointKeyFile: checkpointKeys.first
                )
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

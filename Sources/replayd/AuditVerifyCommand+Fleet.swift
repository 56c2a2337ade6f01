import ArgumentParser
import Audit
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension AuditVerifyCommand {
    /// Several `--dir` (or `-o json`): each directory's chain verified on its own, with its own checkpoints and
    /// checkpoint key, under the union of the audit keys given (each record names its key), then one report.
    func verifyEach(
        directories: [String],
        keyFiles: [String],
        checkpointFiles checkpoints: [String],
        checkpointKeyFiles checkpointKeys: [String]
    ) throws {
        guard !keyFiles.isEmpty else {
            throw AuditCommand.failure("verify", "no audit key: pass --key FILE (once for every key the logs used)")
        }
        if checkpoints.count > 1, checkpoints.count != directories.count {
            throw AuditCommand.failure(
                "verify",
                "\(checkpoints.count) --checkpoints for \(directories.count) --dir: give one per --dir, in the same order"
            )
        }
        if checkpointKeys.count > 1, checkpointKeys.count != directories.count {
            throw AuditCommand.failure(
                "verify",
                "\(checkpointKeys.count) --checkpoint-key for \(directories.count) --dir: give one for all, or one "
                    + "per --dir in the same order"
            )
        }
        if checkpoints.count == 1, directories.count > 1 {
            throw AuditCommand.failure(
                "verify",
                "one --checkpoints for \(directories.count) --dir: each log has its own; give one per --dir, in order"
            )
        }
        var auditKeys: [AuditKey] = []
        for path in keyFiles {
            do {
                auditKeys.append(try AuditKey(contentsOf: path))
            } catch {
                throw AuditCommand.failure("verify", error.description)
            }
        }
        var reports: [AuditChainReport] = []
        for (index, directory) in directories.enumerated() {
            var paths = AuditPaths(
                dir: directory,
                checkpointsFile: checkpoints.isEmpty ? nil : checkpoints[index],
                checkpointKeyFile: checkpointKeys.isEmpty
                    ? nil : checkpointKeys[checkpointKeys.count == 1 ? 0 : index]
            )
            paths = paths.withDefaults { access($0, F_OK) == 0 }
            var checkpointFile = AuditCheckpointFile(checkpoints: [])
            if let path = paths.checkpointsFile {
                do {
                    checkpointFile = try AuditCheckpointFile.read(path)
                } catch {
                    throw AuditCommand.failure("verify", "\(directory): checkpoints: \(error.description)")
                }
            }
            var publicKey: Curve25519.Signing.PublicKey?
            if let path = paths.checkpointKeyFile {
                do {
                    publicKey = try AuditSigningKeys.loadPublicKey(path)
                } catch {
                    throw AuditCommand.failure("verify", "\(directory): \(error.description)")
                }
            }
            let verifier = AuditVerifier(keys: auditKeys, checkpointFile: checkpointFile, checkpointKey: publicKey)
            do {
                reports.append(
                    try AuditChainReport.verify(
                        directory: directory,
                        verifier: verifier,
                        checkpoints: checkpointFile.checkpoints
                    )
                )
            } catch {
                throw AuditCommand.failure("verify", error.description)
            }
        }
        let fleet = AuditFleetVerification(chains: reports)
        switch output {
        case .json: print(String(decoding: fleet.json.canonical, as: UTF8.self))
        case .text: print(fleet.lines.joined(separator: "\n"))
        }
        if fleet.exitStatus != .ok { throw ExitCode(fleet.exitStatus.rawValue) }
    }
}

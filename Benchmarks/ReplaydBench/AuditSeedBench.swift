import ArgumentParser
import Audit
import Foundation
import Logging
import ReplayCore

/// Fills a stopped replayd's audit log with sealed replay records until it holds `--bytes`, through the audit
/// writer itself (so the chain, the segments, their rotation and the checkpoints are what the daemon writes, and
/// `replayd audit verify` passes): for measuring start and throughput with a large log.
struct AuditSeedBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-seed",
        abstract: "Append sealed records to a stopped replayd's audit log until it holds --bytes.",
        discussion: """
            Start replayd once on the state directory (it creates the audit keys), stop it, then:
              replayd-bench audit-seed --state-dir /var/lib/replayd --bytes 1073741824
            --state-dir must be spelled as in the config's [state] dir: the instance id is derived from it.
            """
    )

    @Option(help: "The state directory of a stopped replayd (audit.key, audit-signing.key, audit/).")
    var stateDir: String
    @Option(help: "Bytes the audit directory should hold at least.") var bytes: Int64 = 1 << 30
    @Option(help: "Records appended between two looks at the directory's size.") var step = 100_000

    func run() async throws {
        let directory = stateDir + "/audit"
        let key = try AuditKey(contentsOf: stateDir + "/audit.key")
        let signingKey = try AuditSigningKeys.loadPrivateKey(stateDir + "/audit-signing.key")
        var logger = Logger(label: "replayd.bench.audit-seed")
        logger.logLevel = .error
        let log = AuditLog(
            configuration: AuditLogConfiguration(
                directory: directory,
                key: key,
                signingKey: signingKey,
                origin: "\(ProcessInfo.processInfo.hostName)/replayd",
                groupCommitWait: .zero,
                groupCommitMaxRecords: 256,
                instance: StateInstanceID.derived(
                    hostname: StateInstanceID.currentHostname(),
                    stateDirectory: stateDir
                )
            ),
            logger: logger
        )
        if let reason = log.status.degradedReason {
            await log.close()
            throw ValidationError("the audit log is degraded: \(reason)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        var written = 0
        var size = try Self.size(of: directory)
        while size < bytes {
            try await AuditBench.append(step, from: written, to: log)
            written += step
            size = try Self.size(of: directory)
            FileHandle.standardError.write(Data("audit-seed: \(written) records, \(size >> 20) MiB\n".utf8))
        }
        await log.close()
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("audit-") }
        print(
            "audit-seed: \(written) records in \(String(format: "%.1f", (clock.now - started).seconds)) s; "
                + "\(directory) holds \(try Self.size(of: directory) >> 20) MiB in \(segments.count) segment files"
        )
    }

    /// Bytes of the regular files directly in `directory`.
    private static func size(of directory: String) throws -> Int64 {
        var total: Int64 = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            total += (attributes[.size] as? NSNumber)?.int64Value ?? 0
        }
        return total
    }
}

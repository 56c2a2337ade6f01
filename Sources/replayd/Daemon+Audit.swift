import Audit
import Crypto
import Foundation
import Logging
import ReplayCore

extension Daemon {
    /// The audit log and its keys from `[audit]`. A default key path that does not exist yet gets a new key (the
    /// log is born with the daemon); a configured path must exist, so a typo never silently starts a new key.
    /// If the directory cannot be used the log starts degraded: replays get 503 and status says why.
    func openAuditLog() throws -> (log: AuditLog, key: AuditKey) {
        let audit = settings.audit
        let state = settings.state
        let keyPath = audit.keyFile(state: state)
        if audit.keyFile == nil, !FileManager.default.fileExists(atPath: keyPath) {
            let material = Hex.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) + "\n"
            do {
                try AuditFiles.createDurably(keyPath, bytes: Array(material.utf8), mode: 0o600)
            } catch {
                throw DaemonStartError(message: "cannot create the audit key \(keyPath): \(error.description)")
            }
            logger.notice(
                "created a new audit key; copy it somewhere safe, `replayd audit verify` needs it",
                metadata: ["path": "\(keyPath)"]
            )
        }
        let key: AuditKey
        do {
            key = try AuditKey(contentsOf: keyPath)
        } catch {
            throw DaemonStartError(message: error.description)
        }
        let signingPath = audit.signingKeyFile(state: state)
        let signingKey: Curve25519.Signing.PrivateKey
        do {
            signingKey =
                audit.signingKeyFile == nil
                ? try AuditSigningKeys.loadOrCreate(signingPath) : try AuditSigningKeys.loadPrivateKey(signingPath)
        } catch {
            throw DaemonStartError(message: error.description)
        }
        let configuration = AuditLogConfiguration(
            directory: audit.directory(state: state),
            key: key,
            signingKey: signingKey,
            origin: audit.origin ?? "\(ProcessInfo.processInfo.hostName)/replayd",
            maxSegmentBytes: Int64(audit.segmentMaxSize),
            maxSegmentAge: audit.segmentMaxAge,
            retention: audit.retention > .zero ? audit.retention : nil,
            minFreeBytes: Int64(audit.minFreeSpace),
            groupCommitWait: audit.groupCommitWait,
            groupCommitMaxRecords: audit.groupCommitMax,
            checkpointEveryRecords: Int64(audit.checkpointEvery),
            checkpointInterval: audit.checkpointInterval,
            instance: state.resolvedInstanceID()
        )
        let log = AuditLog(configuration: configuration, logger: Logger(label: "replayd.audit"))
        if let reason = log.status.degradedReason {
            logger.error(
                "the audit log is degraded: replays are refused until it recovers",
                metadata: ["reason": "\(reason)"]
            )
        }
        return (log, key)
    }
}

import Audit
import Crypto
import Foundation
import Ingress
import Logging
import ReplayCore
import Synchronization

/// What SIGHUP (and `systemctl reload`) does today: re-reads the config file and validates it the way a start
/// would, logs and audits the result with the digests of the config in force and of the file now, and tells
/// systemd `RELOADING=1` … `READY=1`. The config in force is not swapped yet: a valid new config is reported as
/// taking effect at the next restart, an invalid one is rejected with every error, and serving goes on unchanged
/// either way.
final class ConfigReloader: Sendable {
    private let path: String
    private let environment: [String: String]
    private let notifier: ServiceNotifier
    private let auditor: ReplayAuditor
    private let configCheck: StaticReadinessCheck
    private let logger: Logger
    private let inForce: String

    /// - Parameter inForceDigest: the SHA-256 of the config file the daemon started with.
    init(
        path: String,
        environment: [String: String],
        inForceDigest: String,
        notifier: ServiceNotifier,
        auditor: ReplayAuditor,
        configCheck: StaticReadinessCheck,
        logger: Logger
    ) {
        self.path = path
        self.environment = environment
        self.inForce = inForceDigest
        self.notifier = notifier
        self.auditor = auditor
        self.configCheck = configCheck
        self.logger = logger
    }

    /// The SHA-256 (hex) of the file at `path`, or `unreadable`.
    static func digest(ofFileAt path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
        return Hex.encode(SHA256.hash(data: data))
    }

    /// One reload request.
    func reload() async {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        notifier.send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)")
        defer { notifier.send("READY=1\nSTATUS=serving") }
        let candidate = Self.digest(ofFileAt: path)
        let digests: [(String, AuditJSON)] = [
            ("config", .string(path)), ("old_digest", .string(inForce)), ("new_digest", .string(candidate)),
        ]
        do {
            _ = try ReplaydConfig.load(path: path, environment: environment)
        } catch {
            // Config errors name keys, lines and files, never a secret's value.
            logger.error(
                "reload rejected: the config file is invalid; still serving the config loaded at start",
                metadata: ["config": "\(path)", "errors": "\(error.errors.count)", "detail": "\(error)"]
            )
            await auditor.lifecycle(
                "reload_rejected",
                details: digests + [("errors", .int(Int64(error.errors.count)))]
            )
            configCheck.set(ok: true, detail: "loaded; the last reload was rejected (\(error.errors.count) errors)")
            return
        }
        if candidate == inForce {
            logger.notice("reload: the config file is unchanged", metadata: ["config": "\(path)"])
            await auditor.lifecycle("reload_unchanged", details: digests)
            configCheck.set(ok: true, detail: "loaded")
            return
        }
        logger.notice(
            "reload: the config file is valid; it takes effect at the next restart (live reload is not built yet)",
            metadata: ["config": "\(path)", "new_digest": "\(candidate)"]
        )
        await auditor.lifecycle("reload_validated", details: digests + [("applied", .bool(false))])
        configCheck.set(ok: true, detail: "loaded; a newer valid config waits for a restart")
    }
}

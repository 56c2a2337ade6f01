import Audit
import Crypto
import Foundation
import Ingress
import Logging
import ReplayCore

/// SIGHUP, `systemctl reload` and `replayctl reload` (`POST /v1/reload`): re-reads the config file, validates it
/// the way a start would, builds the new ``LiveConfig`` completely (secrets resolved, keyrings loaded), and swaps
/// it in atomically. An invalid file keeps the config in force; the error is logged and audited. Every reload is
/// audited with the digests of the old and the new config, and tells systemd `RELOADING=1` … `READY=1`.
///
/// Principals, sources with their keyrings, the policy and the upstream API key reload live. Settings that are
/// read only at start (listener addresses, the engine's and the store's) are reported as needing a restart.
/// Reloads run one at a time.
actor ConfigReloader {
    private let path: String
    private let environment: [String: String]
    private let state: ReloadableState<LiveConfig>
    private let accounts: any UnixAccounts
    private let clock: any ReplayClock
    private let notifier: ServiceNotifier
    private let auditor: ReplayAuditor
    private let configCheck: StaticReadinessCheck
    private let logger: Logger

    init(
        path: String,
        environment: [String: String],
        state: ReloadableState<LiveConfig>,
        accounts: any UnixAccounts,
        clock: any ReplayClock,
        notifier: ServiceNotifier,
        auditor: ReplayAuditor,
        configCheck: StaticReadinessCheck,
        logger: Logger
    ) {
        self.path = path
        self.environment = environment
        self.state = state
        self.accounts = accounts
        self.clock = clock
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

    /// One reload, requested by `by` (`SIGHUP`, or the principal behind `replayctl reload`).
    @discardableResult
    func reload(by: String) async -> ReloadReport {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        notifier.send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)")
        defer { notifier.send("READY=1\nSTATUS=serving") }
        let inForce = state.current
        let candidate = Self.digest(ofFileAt: path)
        var report = ReloadReport(result: .rejected, config: path, oldDigest: inForce.digest, newDigest: candidate)
        let settings: ReplaydConfig
        do {
            settings = try ReplaydConfig.load(path: path, environment: environment)
        } catch {
            report.errors = error.errors.map(\.description)
            await reject(report, by: by, detail: "\(error)")
            return report
        }
        if candidate == inForce.digest {
            report.result = .unchanged
            logger.notice("reload: the config file is unchanged", metadata: ["config": "\(path)", "by": "\(by)"])
            await auditor.lifecycle("reload_unchanged", details: details(report, by: by))
            configCheck.set(ok: true, detail: "loaded")
            return report
        }
        let next: LiveConfig
        do {
            next = try LiveConfig.build(settings: settings, digest: candidate, accounts: accounts, clock: clock)
        } catch {
            report.errors = error.messages
            await reject(report, by: by, detail: error.messages.joined(separator: "; "))
            return report
        }
        for warning in next.directory.unresolved {
            logger.warning("a principal mapping does not resolve", metadata: ["detail": "\(warning)"])
        }
        report.restartNeeded = inForce.restartNeeded(for: next)
        report.result = .applied
        // The swap: requests that already read the old snapshot finish under it; the next ones read this one.
        state.replace(with: next)
        logger.notice(
            report.restartNeeded.isEmpty
                ? "reload applied: the config file is valid and now in force"
                : "reload applied: the config file is valid and now in force; some changes need a restart",
            metadata: [
                "config": "\(path)", "by": "\(by)", "old_digest": "\(report.oldDigest)",
                "new_digest": "\(report.newDigest)", "sources": "\(settings.sources.count)",
                "principals": "\(settings.principals.count)",
                "restart_needed": "\(report.restartNeeded.joined(separator: ", "))",
            ]
        )
        await auditor.lifecycle("reload_applied", details: details(report, by: by))
        configCheck.set(
            ok: true,
            detail: report.restartNeeded.isEmpty
                ? "loaded"
                : "loaded; a restart is needed for \(report.restartNeeded.joined(separator: ", "))"
        )
        return report
    }

    private func reject(_ report: ReloadReport, by: String, detail: String) async {
        // Config errors name keys, lines and files, never a secret's value.
        logger.error(
            "reload rejected: the config file is invalid; still serving the config in force",
            metadata: ["config": "\(path)", "by": "\(by)", "errors": "\(report.errors.count)", "detail": "\(detail)"]
        )
        await auditor.lifecycle(
            "reload_rejected",
            details: details(report, by: by) + [("errors", .int(Int64(report.errors.count)))]
        )
        configCheck.set(ok: true, detail: "loaded; the last reload was rejected (\(report.errors.count) errors)")
    }

    private func details(_ report: ReloadReport, by: String) -> [(String, AuditJSON)] {
        var details: [(String, AuditJSON)] = [
            ("config", .string(path)), ("old_digest", .string(report.oldDigest)),
            ("new_digest", .string(report.newDigest)),
        ]
        details.append(("by", .string(by)))
        if !report.restartNeeded.isEmpty {
            details.append(("restart_needed", .array(report.restartNeeded.map { .string($0) })))
        }
        return details
    }
}

import ArgumentParser
import Curl
import Foundation
import Ingress
import Logging
import ReplayCore
import ReplayctlKit
import Strait

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `replayd doctor --config FILE`: checks what a start and a day of serving need, and explains each finding
/// with a fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the config, file trust, upstream, socket, disk and clock, and say how to fix each problem.",
        discussion: """
            Checks, as the user running it (run it as the daemon's user): the config file and the webhook key \
            material; the owners and modes of the state and audit directories, the socket directory and the key \
            files (the trust model); the upstream, by one read-only call that also tells whether the API key is \
            accepted; the clock against the upstream's Date header (skew breaks webhook timestamp windows); the \
            socket's path, mode and group, and whether you can connect; the free space on the state and audit \
            file systems; with [state] backend = "postgres", the database connection, its migrations (missing ones \
            are named, with the fix `replayd state migrate`), this machine's clock against the database's now() \
            and the clock skew each other live instance recorded at its last heartbeat (a warning past half the \
            webhook timestamp tolerance, at most 30 s; this machine's fails past the whole tolerance). Nothing is \
            created or changed. Exit status: 0 when nothing failed (warnings allowed), 1 \
            when a check failed, 3 when the config is invalid.

            Examples:
              replayd doctor --config /etc/replayd/replayd.toml
              sudo -u replayd replayd doctor --config /etc/replayd/replayd.toml -o json | jq '.findings[] | select(.status != "ok")'
            """
    )

    @Option(name: .long, help: ArgumentHelp("The config file (TOML).", valueName: "file"))
    var config: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Output: text or json.", valueName: "format"))
    var output: String = "text"

    func validate() throws {
        guard output == "text" || output == "json" else { throw ValidationError("-o must be text or json") }
    }

    func run() async throws {
        var findings: [DoctorFinding] = []
        let settings: ReplaydConfig
        do {
            settings = try ReplaydConfig.load(path: config, environment: ProcessInfo.processInfo.environment)
            findings.append(DoctorFinding(check: "config", status: .ok, message: "\(config) is valid"))
        } catch {
            findings.append(
                DoctorFinding(
                    check: "config",
                    status: .fail,
                    message: "\(config) is invalid: " + error.errors.map(\.description).joined(separator: "; "),
                    fix: "fix each error (line and key are named), then `replayd config check \(config)`"
                )
            )
            report(findings)
            throw ExitCode(3)
        }
        findings += Self.keyMaterial(settings)
        findings += Self.fileTrust(settings, config: config)
        findings += await Self.upstream(settings)
        findings.append(Self.socket(settings))
        findings += Self.connectionLimits(settings)
        findings += Self.disk(settings)
        findings += await Self.state(settings)
        report(findings)
        if findings.contains(where: { $0.status == .fail }) { throw ExitCode(1) }
    }

    private func report(_ findings: [DoctorFinding]) {
        if output == "json" {
            struct Body: Encodable {
                var ok: Bool
                var findings: [DoctorFinding]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = Body(ok: !findings.contains { $0.status == .fail }, findings: findings)
            if let data = try? encoder.encode(body) { print(String(decoding: data, as: UTF8.self)) }
            return
        }
        for finding in findings {
            let mark = finding.status.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)
            print("\(mark) \(finding.check.padding(toLength: 9, withPad: " ", startingAt: 0)) \(finding.message)")
            if let fix = finding.fix { print("      fix: \(fix)") }
        }
        let failed = findings.filter { $0.status == .fail }.count
        let warned = findings.filter { $0.status == .warn }.count
        print(
            failed == 0
                ? "no problems that stop replayd (\(warned) warnings)" : "\(failed) problems, \(warned) warnings"
        )
    }

    /// Each source's key material, as `serve` loads it.
    static func keyMaterial(_ settings: ReplaydConfig) -> [DoctorFinding] {
        settings.sources.compactMap { source -> DoctorFinding? in
            do {
                _ = try WebhookSource(config: source, tolerance: settings.webhooks.timestampTolerance)
                return nil
            } catch {
                return DoctorFinding(
                    check: "config",
                    status: .fail,
                    message: "\(error)",
                    fix: "correct the key of [[sources]] \(source.name) (whsec_ + base64, or a 32-byte hex Ed25519 key)"
                )
            }
        }
    }

    /// The trust model: who owns the directories and key files, and who may write them.
    static func fileTrust(_ settings: ReplaydConfig, config: String) -> [DoctorFinding] {
        let problems = settings.fileTrustProblems(trust: .system(), document: ReplaydConfig.document(atPath: config))
        guard !problems.isEmpty else {
            return [
                DoctorFinding(
                    check: "files",
                    status: .ok,
                    message: "the socket, state and audit directories and the key files are owned by you or root "
                        + "and writable by no one else"
                )
            ]
        }
        return problems.map { problem in
            DoctorFinding(
                check: "files",
                status: .fail,
                message: problem.description,
                fix: "make it owned by the daemon's user (or root), not a symbolic link, with no write bit for group "
                    + "or others: e.g. `chown replayd: PATH && chmod go-w PATH` (key files: `chmod 600`)"
            )
        }
    }

    /// One read-only call (`GET /v1/runs/{id}` of a run that does not exist): reachability, the key, the clock.
    static func upstream(_ settings: ReplaydConfig) async -> [DoctorFinding] {
        guard let secret = settings.upstream.apiKey else {
            return [
                DoctorFinding(
                    check: "upstream",
                    status: .fail,
                    message: "no API key was loaded",
                    fix: "set [upstream] api_key_env or api_key_file"
                )
            ]
        }
        do {
            try CurlRuntime.initialize()
        } catch {
            return [DoctorFinding(check: "upstream", status: .fail, message: "libcurl: \(error.message)", fix: nil)]
        }
        var configuration = CurlClientConfiguration()
        configuration.connectTimeout = settings.upstream.connectTimeout
        configuration.totalTimeout = settings.upstream.timeout
        configuration.allowInsecureHTTP = settings.upstream.allowInsecureHTTP
        configuration.caBundlePath = settings.upstream.caFile
        configuration.userAgent = "replayd-doctor/\(ReplaydVersion.current)"
        let http: CurlClient
        do {
            http = try CurlClient(configuration: configuration, logger: Logger(label: "replayd.doctor"))
        } catch {
            return [DoctorFinding(check: "upstream", status: .fail, message: error.message, fix: nil)]
        }
        let findings = await probeUpstream(settings, secret: secret, http: http)
        await http.shutdown()
        return findings
    }

    /// The read-only upstream call (`GET` of a run that does not exist) and what its answer says of the key and
    /// the clock; `http` is shut down by the caller.
    private static func probeUpstream(
        _ settings: ReplaydConfig,
        secret: Secret,
        http: CurlClient
    ) async -> [DoctorFinding] {
        let client = StraitClient(
            baseURL: settings.upstream.baseURL,
            apiKey: secret.withUnsafeValue { StraitAPIKey($0) },
            http: http
        )
        let base = settings.upstream.baseURL
        let response: HTTPResponse
        var findings: [DoctorFinding] = []
        let probe: RunID
        do {
            probe = try RunID("replayd-doctor-probe")
        } catch {
            return [DoctorFinding(check: "upstream", status: .fail, message: error.message, fix: nil)]
        }
        do throws(StraitClientError) {
            let result = try await client.getRun(probe, requestID: "replayd-doctor")
            response = result.response
            findings.append(
                DoctorFinding(check: "upstream", status: .ok, message: "\(base) answered; the key is accepted")
            )
        } catch .api(let error) {
            response = error.response
            switch error.status {
            case 401, 403:
                findings.append(
                    DoctorFinding(
                        check: "upstream",
                        status: .fail,
                        message: "\(base) refused the API key (\(error.status) \(error.code))",
                        fix:
                            "put a valid key where [upstream] api_key_env / api_key_file points, then `replayctl reload`"
                    )
                )
            case 404:
                findings.append(
                    DoctorFinding(check: "upstream", status: .ok, message: "\(base) answered; the key is accepted")
                )
            default:
                findings.append(
                    DoctorFinding(
                        check: "upstream",
                        status: .warn,
                        message: "\(base) answered \(error.status) \(error.code) to a read-only call",
                        fix: "check Strait's status; replays will be retried or held by the circuit breaker"
                    )
                )
            }
        } catch {
            return [
                DoctorFinding(
                    check: "upstream",
                    status: .fail,
                    message: "\(base) is unreachable: \(error)",
                    fix: "check [upstream] base_url, DNS, the network path or proxy, and ca_file for a private CA"
                )
            ]
        }
        findings.append(clock(response, tolerance: settings.webhooks.timestampTolerance))
        return findings
    }

    /// The local clock against the upstream's `Date` header.
    static func clock(_ response: HTTPResponse, tolerance: Duration) -> DoctorFinding {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let header = response.headers["Date"], let remote = formatter.date(from: header) else {
            return DoctorFinding(
                check: "clock",
                status: .warn,
                message: "the upstream sent no Date header; the clock could not be compared",
                fix: "make sure the host runs NTP (`timedatectl status`)"
            )
        }
        let skew = Date().timeIntervalSince(remote)
        let limit = Double(tolerance.components.seconds)
        let text = "the local clock is \(Int(skew.rounded())) s from the upstream's (webhook window ±\(Int(limit)) s)"
        if abs(skew) >= limit {
            return DoctorFinding(
                check: "clock",
                status: .fail,
                message: text,
                fix: "sync the clock (NTP); signed webhooks are refused until then"
            )
        }
        if abs(skew) >= limit / 2 || abs(skew) >= 30 {
            return DoctorFinding(
                check: "clock",
                status: .warn,
                message: text,
                fix: "sync the clock (NTP) before it drifts out of the window"
            )
        }
        return DoctorFinding(check: "clock", status: .ok, message: text)
    }

    /// The socket: path, mode, group, and whether the calling user can connect.
    /// A warning when one uid may hold every connection the socket takes: then one local user (or one runaway
    /// script) can lock every other user out.
    static func connectionLimits(_ settings: ReplaydConfig) -> [DoctorFinding] {
        let perUID = settings.socket.maxConnectionsPerUID
        let total = settings.socket.maxConnections
        guard perUID >= total else { return [] }
        return [
            DoctorFinding(
                check: "socket",
                status: .warn,
                message: "[socket] max_connections_per_uid (\(perUID)) is not below max_connections (\(total)): "
                    + "one uid can hold every connection and lock the other users out",
                fix: "set [socket] max_connections_per_uid below max_connections (defaults: 16 of 64)"
            )
        ]
    }

    static func socket(_ settings: ReplaydConfig) -> DoctorFinding {
        let path = settings.socket.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            return DoctorFinding(
                check: "socket",
                status: .warn,
                message: "\(path) does not exist: replayd is not running (or uses another [socket] path)",
                fix: "start it: `systemctl start replayd`"
            )
        }
        let mode = String(info.st_mode & 0o777, radix: 8)
        let group = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? "\(info.st_gid)"
        let facts = "\(path) (mode \(mode), group \(group))"
        switch SocketProbe.diagnose(path: path) {
        case nil:
            return DoctorFinding(check: "socket", status: .ok, message: "\(facts): you can connect")
        case .nobodyListening:
            return DoctorFinding(
                check: "socket",
                status: .warn,
                message: "\(facts): nobody listens (replayd is not running)",
                fix: "start it: `systemctl start replayd`"
            )
        case .permissionDenied(let group, _):
            return DoctorFinding(
                check: "socket",
                status: .fail,
                message: "\(facts): you may not connect",
                fix: "add your user to the socket's group (`usermod -aG \(group ?? "GROUP") $USER`, then log in again) "
                    + "or set [socket] group"
            )
        case let problem?:
            return DoctorFinding(
                check: "socket",
                status: .fail,
                message: "\(facts): \(problem)",
                fix: "remove what is at the path, or point [socket] path elsewhere"
            )
        }
    }

    /// Free space where the state database and the audit log are written.
    static func disk(_ settings: ReplaydConfig) -> [DoctorFinding] {
        let floor = Int64(settings.audit.minFreeSpace)
        var findings: [DoctorFinding] = []
        for (what, path) in [
            ("state", settings.state.directory), ("audit", settings.audit.directory(state: settings.state)),
        ] {
            var info = statvfs()
            guard statvfs(path, &info) == 0 else {
                findings.append(
                    DoctorFinding(
                        check: "disk",
                        status: .warn,
                        message: "\(what) directory \(path) does not exist yet",
                        fix: "`replayd serve` creates it (its parent must be writable by the daemon's user)"
                    )
                )
                continue
            }
            let free = Int64(info.f_bavail) * Int64(info.f_frsize)
            let text = "\(what) directory \(path): \(free >> 20) MiB free (audit floor \(floor >> 20) MiB)"
            if free < floor {
                findings.append(
                    DoctorFinding(
                        check: "disk",
                        status: .fail,
                        message: text,
                        fix:
                            "free space on that file system: below the floor, replays are refused (the audit log cannot record them)"
                    )
                )
            } else if free < floor * 4 {
                findings.append(
                    DoctorFinding(
                        check: "disk",
                        status: .warn,
                        message: text,
                        fix: "free space soon, or lower [audit] retention"
                    )
                )
            } else {
                findings.append(DoctorFinding(check: "disk", status: .ok, message: text))
            }
        }
        return findings
    }
}

import ArgumentParser
import Foundation
import ReplayctlKit

/// `replayctl audit tail`: the audit log's last records, read by replayd over the socket (`audit_read`).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read replayd's audit log over the socket (needs the audit_read grant).",
        subcommands: [AuditTailCommand.self]
    )
}

/// `replayctl audit tail`.
struct AuditTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the last audit records that match, oldest first.",
        discussion: """
            replayd reads its own log and answers over the socket, so you need the `audit_read` grant but no \
            access to the files (on the daemon's host, `replayd audit tail` reads the files directly and can \
            follow them). --since takes an RFC 3339 time or a duration ago (10m, 2h, 1d). -o json and jsonl print \
            each record's line exactly as stored; -o table prints seq, time, kind/stage, door, principal, run, \
            decision and reason. Exit 0; 4 when no grant allows reading the audit log.

            Examples:
              replayctl audit tail
              replayctl audit tail -n 20 --since 1h
              replayctl audit tail --principal alice -o json | jq .reason
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customShort("n"), .customLong("lines")], help: "Print the last N records (default 100).")
    var lines: Int?

    @Option(name: .long, help: ArgumentHelp("Only records at or after this time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only records whose actor.principal is this.", valueName: "name"))
    var principal: String?

    @Option(name: .long, help: ArgumentHelp("Only records whose run_id or new_run_id is this.", valueName: "run-id"))
    var run: String?

    func validate() throws {
        if let lines, !(1...10_000).contains(lines) {
            throw ValidationError("--lines must be between 1 and 10000")
        }
    }

    func run() async throws {
        let path = ReplayPaths.auditTail(lines: lines, since: since, principal: principal, run: run)
        let reporter = Reporter(options: global.outputOptions(environment: ProcessInfo.processInfo.environment))
        let table = reporter.format == .table
        let status = await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "GET", path: path, body: nil)
            guard response.status == 200 else {
                return reporter.failure(
                    ReplayFailure(status: response.status, body: response.body, headers: response.headers)
                )
            }
            let text = table ? Self.table(response.body) : String(decoding: response.body, as: UTF8.self)
            if !text.isEmpty { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
            return .ok
        }
        throw ExitCode(status.rawValue)
    }

    /// One line per record.
    static func table(_ body: [UInt8]) -> String {
        var rows: [[String]] = []
        for line in body.split(separator: 0x0A) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            let actor = object["actor"] as? [String: Any]
            func text(_ value: Any?) -> String {
                switch value {
                case let string as String: string
                case let number as NSNumber: number.stringValue
                default: "-"
                }
            }
            rows.append([
                text(object["seq"]), text(object["ts"]),
                "\(text(object["kind"]))/\(text(object["stage"]))", text(object["door"]),
                text(actor?["principal"]), text(object["run_id"]), text(object["decision"]), text(object["reason"]),
            ])
        }
        if rows.isEmpty { return "no audit records" }
        let header = ["SEQ", "TIME", "KIND/STAGE", "DOOR", "PRINCIPAL", "RUN", "DECISION", "REASON"]
        return TextTable(header: header, rows: rows).render()
    }
}

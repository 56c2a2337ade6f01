import ArgumentParser
import Audit
import Foundation
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// `replayd audit tail`: print records, filtered, and optionally follow the log.
struct AuditTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print audit records, filtered; with -f, keep printing new ones as they are written.",
        discussion: """
            Prints the records that match every filter given, oldest first, across segments. With -f it then polls \
            every 200 ms for new records (following into new segments) until SIGINT or SIGTERM, and exits 0. Only \
            whole lines are printed: a record still being written waits for the next poll. tail does not verify \
            anything; use `replayd audit verify` for that.

            --since takes an RFC 3339 time (2026-11-29T13:00:00Z, 2026-11-29T14:00:00+01:00, 2026-11-29) or a \
            duration ago (90s, 10m, 2h, 1d, 1w, 1h30m).

            Several instances: repeat --dir, once per instance's log. The records of all of them are merged in time \
            order (by ts; equal times keep the order the --dir were given, then seq), and the table gets an INSTANCE \
            column first (the record's "instance", else its directory). -o json prints each line as stored (its \
            "instance" member names the instance). With -f, each poll's new records are merged the same way.

            -o table prints one line per record (seq, time, kind/stage, door, principal, run, decision/reason, new \
            run, attempt status); -o json prints each record's line exactly as stored. Default: table on a \
            terminal, json otherwise. Exit status: 0, or 2 for a usage or I/O error.

            Examples:
              replayd audit tail --dir /var/lib/replayd/audit -n 20
              replayd audit tail --config /etc/replayd/replayd.toml --principal alice --since 2h
              replayd audit tail --dir /var/lib/replayd/audit -f -o json | jq .stage
              replayd audit tail --dir ./gw-a/audit --dir ./gw-b/audit --dir ./gw-c/audit --since 1h
            """
    )

    /// `-o table|json`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    @OptionGroup var location: AuditLocationOptions

    @Flag(name: [.short, .long], help: "Keep printing new records until interrupted.")
    var follow = false

    @Option(name: .long, help: ArgumentHelp("Only records whose actor.principal is this.", valueName: "name"))
    var principal: String?

    @Option(name: .long, help: ArgumentHelp("Only records whose run_id or new_run_id is this.", valueName: "run-id"))
    var run: String?

    @Option(name: .long, help: ArgumentHelp("Only records at or after this time.", valueName: "time"))
    var since: String?

    @Option(name: [.short, .long], help: "Output format: table or json (default: table on a terminal, else json).")
    var output: Format?

    @Option(
        name: [.customShort("n"), .customLong("lines")],
        help: ArgumentHelp("Print only the last N matching records before following.", valueName: "n")
    )
    var lines: Int?

    func run() async throws {
        if let lines, lines < 0 { throw AuditCommand.failure("tail", "--lines must not be negative") }
        let paths: AuditPaths
        do {
            paths = try location.paths(overriddenBy: AuditPaths())
        } catch {
            throw AuditCommand.failure("tail", error.description)
        }
        guard let dir = paths.dir else { throw AuditCommand.failure("tail", "no audit directory: pass --dir DIR") }
        let filter = try tailFilter()
        let format = output ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
        if location.dirs.count > 1 {
            try await tailMerged(directories: location.dirs, filter: filter, format: format)
            return
        }
        try await tailOne(dir: dir, filter: filter, format: format)
    }

    /// The filter the flags describe.
    private func tailFilter() throws -> AuditTailFilter {
        var filter = AuditTailFilter(principal: principal, runID: run)
        if let since {
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
            guard let instant = AuditSince.parse(since, now: now) else {
                throw AuditCommand.failure(
                    "tail",
                    "--since \(since): expected an RFC 3339 time (2026-11-29T13:00:00Z) or a duration (10m, 2h, 1d)"
                )
            }
            filter.since = instant
        }
        return filter
    }

    /// One log, as before several could be given.
    private func tailOne(dir: String, filter: AuditTailFilter, format: Format) async throws {
        var reader = AuditReader(directory: dir, filter: filter)
        // Trapped before the catch-up, so that SIGINT or SIGTERM from here on ends the command cleanly.
        let signals = follow ? await UnixSignalsSequence(trapping: .sigint, .sigterm) : nil
        if format == .table { print(AuditTable.header) }

        do throws(AuditFiles.IOError) {
            // Catch up, keeping only the last --lines records when asked.
            var kept: [AuditEntry] = []
            while case let batch = try reader.poll(), !batch.isEmpty {
                guard let lines else {
                    emit(batch, format)
                    continue
                }
                kept.append(contentsOf: batch)
                if kept.count > lines { kept.removeFirst(kept.count - lines) }
            }
            emit(kept, format)
            fflush(nil)
            guard let signals else { return }
            let failure = await Self.follow(
                until: signals,
                poll: { () throws(AuditFiles.IOError) in try reader.poll() },
                emit: { emit($0, format) }
            )
            if let failure { throw failure }
        } catch {
            fflush(nil)
            throw AuditCommand.failure("tail", error.description)
        }
    }

    private func emit(_ entries: [AuditEntry], _ format: Format) {
        for entry in entries {
            switch format {
            case .table: print(AuditTable.row(entry.record))
            case .json: print(String(decoding: entry.line, as: UTF8.self))
            }
        }
    }
}

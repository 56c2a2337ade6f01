import ArgumentParser
import Foundation
import ReplayctlKit

/// `replayctl replay RUN_ID` or `replayctl replay --from-file FILE`: ask replayd to replay runs on Strait.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a Strait run through replayd, or every run listed in a file.",
        discussion: """
            Prints the new run. replayd holds the Strait API key; you never need it.

            When replayd does not know the outcome in time (202), replayctl follows the replay until it is final, \
            at most --wait-timeout seconds; a 409 (the same key in flight) is asked again meanwhile. With --no-wait \
            replayd answers as soon as it has durably accepted the replay (Prefer: respond-async), and replayctl \
            prints the pending record and exits 12 (or the outcome, when replayd already knew it).

            With --from-file, each line holds a run id and optionally a checkpoint; blank lines and # comments are \
            skipped. Each line's idempotency key is derived from the file's content and its line number, so running \
            the same file again creates no new run.

            Exit codes: 0 ok, 1 error, 3 usage, 4 auth (401/403), 5 not found, 6 conflict, 7 bad request \
            (400/422), 8 upstream 5xx, 9 replayd not reachable, 10 Strait not reachable (no run created), \
            11 outcome unknown (a run may exist; do not retry blindly), 12 outcome pending (replayd is still on it: \
            replayctl show KEY), 130 interrupted (Ctrl-C). A bulk replay exits with the most severe code of its             lines. With --follow, a new run that ends other than completed exits 1 (the Strait CLI's --wait).

            On Ctrl-C, a bulk replay sends no new line, waits a few seconds for the answers in flight (a second             Ctrl-C stops at once), prints the summary and how many lines are left, and exits 130: run the same             command again to resume. When replayd is lost, it stops, says so once, and counts the lines not sent.

            Examples:
              replayctl replay run_123
              replayctl replay run_123 --from-checkpoint 3 --idempotency-key incident-77
              replayctl replay run_123 -q --follow
              replayctl replay run_123 --dry-run
              replayctl replay --from-file failed.txt --concurrency 16
              grep timed_out runs.txt | cut -f1 | replayctl replay --from-file - -o jsonl
            """
    )

    @Argument(help: "The id of the run to replay (a failed, timed_out, crashed or system_failed run).")
    var runID: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Replay from this checkpoint sequence (a positive integer).", valueName: "n")
    )
    var fromCheckpoint: String?

    @Option(
        name: .long,
        help: ArgumentHelp("An idempotency key for this replay (1-255 printable ASCII).", valueName: "key")
    )
    var idempotencyKey: String?

    @Flag(name: .long, help: "Replay even if a replay of the same run and checkpoint is in flight (no coalescing).")
    var force = false

    @Flag(
        name: .long,
        help: "Send nothing: print what the replay would do (as replayctl explain), from replayd's real stages."
    )
    var dryRun = false

    @Flag(name: .long, help: "Do not wait for an outcome replayd does not know yet: print the record, exit 12.")
    var noWait = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Wait at most this long for an outcome, in seconds (default \(Self.defaultWaitTimeout)).",
            valueName: "seconds"
        )
    )
    var waitTimeout: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("Replay every run listed in this file (- for stdin).", valueName: "file")
    )
    var fromFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --from-file: replays in flight at once, 1-256 (default \(Self.defaultConcurrency)).",
            valueName: "n"
        )
    )
    var concurrency: Int?

    @Flag(
        name: .long,
        help: "After the replay, follow the new run until it finishes; exit 0 if it completed, else 1."
    )
    var follow = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --follow: give up after this many seconds (default \(Self.defaultFollowTimeout)).",
            valueName: "seconds"
        )
    )
    var followTimeout: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --follow: seconds between two reads of the run (default \(Self.defaultFollowInterval)).",
            valueName: "seconds"
        )
    )
    var followInterval: Double?

    // Documented in README.md and docs/replayctl.md (the docs tests hold every shown flag to both);
    // REPLAYD_SERVER does the same.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Replay through a team door (http(s)://host:port) instead of the socket.",
            discussion: """
                Default: $REPLAYD_SERVER. The bearer token comes from $REPLAYD_TOKEN, then $STRAIT_API_KEY. \
                Plain http:// is refused except to loopback; put TLS in front.
                """,
            valueName: "url"
        )
    )
    var server: String?

    @OptionGroup var global: GlobalOptions

    static let defaultFollowTimeout = 300
    static let defaultFollowInterval = 2.0
    static let defaultWaitTimeout = 300
    static let defaultConcurrency = 8

    /// The team door to send to (`--server`, then `REPLAYD_SERVER`) with its token, or `nil` for the socket.
    func teamServer(environment: [String: String]) -> DaemonClient.Server? {
        let url =
            server.flatMap { $0.isEmpty ? nil : $0 } ?? environment["REPLAYD_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        guard let url else { return nil }
        let token = ["REPLAYD_TOKEN", "STRAIT_API_KEY"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return DaemonClient.Server(url: url, token: token)
    }

    func validate() throws {
        if let team = teamServer(environment: ProcessInfo.processInfo.environment) {
            guard team.url.hasPrefix("http://") || team.url.hasPrefix("https://") else {
                throw ValidationError("--server takes http(s)://host:port, not \"\(team.url)\"")
            }
            guard team.token != nil else {
                throw ValidationError("--server needs a team token in REPLAYD_TOKEN or STRAIT_API_KEY")
            }
        }
        if let fromFile {
            guard !fromFile.isEmpty else { throw ValidationError("--from-file needs a file name, or - for stdin") }
            if runID != nil {
                throw ValidationError("RUN_ID cannot be given with --from-file: list the run ids in the file")
            }
            if idempotencyKey != nil {
                throw ValidationError(
                    "--idempotency-key cannot be used with --from-file: each line's key is derived from the file"
                )
            }
            if fromCheckpoint != nil {
                throw ValidationError(
                    "--from-checkpoint cannot be used with --from-file: put the checkpoint after the run id on its line"
                )
            }
        } else {
            guard let runID else { throw ValidationError("missing RUN_ID (or --from-file FILE)") }
            if concurrency != nil { throw ValidationError("--concurrency only applies with --from-file") }
            try LocalValidation.runID(runID)
            if let fromCheckpoint { try LocalValidation.checkpoint(fromCheckpoint) }
            if let idempotencyKey { try LocalValidation.idempotencyKey(idempotencyKey) }
        }
        if !follow, followTimeout != nil || followInterval != nil {
            throw ValidationError("--follow-timeout and --follow-interval only apply with --follow")
        }
        if follow, fromFile != nil {
            throw ValidationError("--follow cannot be used with --from-file: follow one run at a time")
        }
        if follow, noWait {
            throw ValidationError("--follow cannot be used with --no-wait: it needs the new run's id")
        }
        if let followTimeout, followTimeout <= 0 {
            throw ValidationError("--follow-timeout must be a positive number of seconds")
        }
        if let followInterval, !(followInterval > 0 && followInterval <= 3600) {
            throw ValidationError("--follow-interval must be a number of seconds between 0 and 3600")
        }
        if noWait, waitTimeout != nil {
            throw ValidationError("--wait-timeout cannot be used with --no-wait: --no-wait does not wait")
        }
        if let waitTimeout, waitTimeout <= 0 {
            throw ValidationError("--wait-timeout must be a positive number of seconds")
        }
        if dryRun, fromFile != nil || follow || noWait || waitTimeout != nil {
            throw ValidationError(
                "--dry-run explains one replay: it cannot be used with --from-file, --follow, "
                    + "--no-wait or --wait-timeout"
            )
        }
        if dryRun, server != nil {
            throw ValidationError("--dry-run explains on the socket; the team door (--server) has no dry run")
        }
        if let concurrency, !(1...256).contains(concurrency) {
            throw ValidationError("--concurrency must be between 1 and 256, not \(concurrency)")
        }
    }

    func run() async throws {
        let reporter = Reporter(options: global.outputOptions(environment: ProcessInfo.processInfo.environment))
        let format = reporter.format
        let policy = WaitPolicy(waitTimeout: .seconds(waitTimeout ?? Self.defaultWaitTimeout), waits: !noWait)
        let status: ExitStatus
        if let fromFile {
            status = await replayFile(fromFile, policy: policy, format: format, reporter: reporter)
        } else {
            let runID = runID ?? ""
            let spec = ReplayRequestSpec(
                runID: runID,
                fromCheckpoint: fromCheckpoint,
                force: force,
                idempotencyKey: idempotencyKey
            )
            if dryRun { throw ExitCode(await ExplainCommand.explain(spec, as: nil, global: global).rawValue) }
            status = await Session.run(
                global: global,
                reporter: reporter,
                server: teamServer(environment: ProcessInfo.processInfo.environment)
            ) { client async throws(DaemonError) in
                let result = await ReplayRunner(client: client, policy: policy).replay(spec)
                guard follow, case .created(let created) = result, let newRunID = created.newRunID else {
                    return reporter.result(result, runID: runID)
                }
                return await followRun(newRunID, created: created, runID: runID, client: client, reporter: reporter)
            }
        }
        throw ExitCode(status.rawValue)
    }

    /// `--follow`: the replay's line (table), then each status of the new run on stderr, then the run: its
    /// final JSON (JSON formats), its id (`-q`) or one line (table).
    private func followRun(
        _ newRunID: String,
        created: CreatedReplay,
        runID: String,
        client: DaemonClient,
        reporter: Reporter
    ) async -> ExitStatus {
        if reporter.format == .table, !reporter.options.quiet {
            print(ReplaySummary.text(originalID: runID, created: created))
        }
        let follower = RunFollower(
            client: client,
            interval: .milliseconds(Int64((followInterval ?? Self.defaultFollowInterval) * 1000)),
            timeout: .seconds(followTimeout ?? Self.defaultFollowTimeout)
        )
        let outcome = await follower.follow(runID: newRunID) { status in
            if !reporter.options.quiet { reporter.printError("run \(newRunID): \(status)") }
        }
        switch outcome {
        case .finished(let status, let body):
            if reporter.options.quiet {
                print(newRunID)
            } else if reporter.format.isJSON {
                reporter.printJSON(body ?? .null)
            }
            guard status == .completed else {
                return reporter.failure(
                    "run \(newRunID) reached terminal status \"\(status)\"",
                    status: outcome.exitStatus
                )
            }
            if reporter.format == .table, !reporter.options.quiet { print("run \(newRunID) completed") }
            return .ok
        case .timedOut(let status):
            let seconds = followTimeout ?? Self.defaultFollowTimeout
            return reporter.failure(
                "run \(newRunID) is still \(status.map(\.rawValue) ?? "unknown") after \(seconds) s (--follow-timeout)",
                status: outcome.exitStatus
            )
        case .failed(let failure):
            return reporter.failure(failure)
        }
    }

    private func replayFile(
        _ path: String,
        policy: WaitPolicy,
        format: OutputFormat,
        reporter: Reporter
    ) async -> ExitStatus {
        let content: [UInt8]
        do {
            content = try BulkSource.read(path)
        } catch {
            return reporter.failure(error.message, status: .usage)
        }
        let replayer = BulkReplayer(
            input: BulkInput(bytes: content),
            keys: BulkKey(fileContent: content),
            force: force,
            concurrency: concurrency ?? Self.defaultConcurrency,
            policy: policy,
            reporter: reporter
        )
        let interrupt = InterruptSignal()
        defer { interrupt.uninstall() }
        return await Session.run(
            global: global,
            reporter: reporter,
            server: teamServer(environment: ProcessInfo.processInfo.environment)
        ) { client async throws(DaemonError) in
            await replayer.run(client: client, interrupts: interrupt.interrupts)
        }
    }
}

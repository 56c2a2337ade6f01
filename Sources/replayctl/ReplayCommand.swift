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
            replayctl show KEY). A bulk replay exits with the most severe code of its lines.
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

    @OptionGroup var global: GlobalOptions

    static let defaultWaitTimeout = 300
    static let defaultConcurrency = 8

    func validate() throws {
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
            guard runID != nil else { throw ValidationError("missing RUN_ID (or --from-file FILE)") }
            if concurrency != nil { throw ValidationError("--concurrency only applies with --from-file") }
        }
        if noWait, waitTimeout != nil {
            throw ValidationError("--wait-timeout cannot be used with --no-wait: --no-wait does not wait")
        }
        if let waitTimeout, waitTimeout <= 0 {
            throw ValidationError("--wait-timeout must be a positive number of seconds")
        }
        if let concurrency, !(1...256).contains(concurrency) {
            throw ValidationError("--concurrency must be between 1 and 256, not \(concurrency)")
        }
    }

    func run() async throws {
        let format = OutputFormat.resolve(global.output)
        let reporter = Reporter(format: format)
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
            status = await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
                let result = await ReplayRunner(client: client, policy: policy).replay(spec)
                return reporter.result(result, runID: runID)
            }
        }
        throw ExitCode(status.rawValue)
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
            format: format
        )
        return await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            await replayer.run(client: client)
        }
    }
}

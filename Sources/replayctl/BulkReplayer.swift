import Foundation
import ReplayctlKit

/// Replays every line of a bulk file, `concurrency` at a time, each with its derived key and the single replay's
/// waiting rules. Prints one JSON line per input line (JSON formats), each failure (table), or the new run ids
/// (`-q`); a progress line on a terminal's stderr (done/total, rate, elapsed, ETA); and a summary. Returns the
/// most severe exit status of the lines.
///
/// Once a line finds replayd unreachable, no further line is sent: the rest are counted "not sent" and one
/// error line says why. On Ctrl-C it stops sending, waits up to `grace` for the answers in flight (a second
/// Ctrl-C cuts that short), prints the summary and how to resume, and returns `interrupted` (130).
struct BulkReplayer: Sendable {
    let input: BulkInput
    let keys: BulkKey
    let force: Bool
    let concurrency: Int
    let policy: WaitPolicy
    let reporter: Reporter
    /// How long to wait for answers in flight after Ctrl-C.
    var grace: Duration = .seconds(5)

    private var format: OutputFormat { reporter.format }

    private enum Event: Sendable {
        case waiting(line: Int)
        case finished(BulkEntry, key: String, ReplayResult)
        case notSent(BulkEntry, key: String)
        case interrupted
    }

    private enum Step: Sendable {
        case finished(BulkEntry, String, ReplayResult)
        case interrupt
        case graceOver
        case idle
    }

    func run(client: DaemonClient, interrupts: AsyncStream<Void>?) async -> ExitStatus {
        var tally = BulkTally(total: input.lineCount)
        let clock = SystemWaitClock()
        let quiet = reporter.options.quiet
        var display = ProgressDisplay(enabled: !quiet && ProgressDisplay.stderrIsTerminal, start: clock.now())
        for error in input.errors {
            tally.finishMalformed()
            report(BulkLineReport(malformed: error), on: &display)
        }
        display.update(tally, now: clock.now())

        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let runner = ReplayRunner(client: client, policy: policy, clock: clock)
        async let producing: Void = produce(runner: runner, clock: clock, interrupts: interrupts, events: continuation)
        var waitingLines: Set<Int> = []
        var wasInterrupted = false
        var unreachable: String?
        for await event in events {
            switch event {
            case .waiting(let line):
                waitingLines.insert(line)
                tally.startWaiting()
            case .finished(let entry, let key, let result):
                var report = BulkLineReport(entry: entry, key: key, result: result)
                let wasWaiting = waitingLines.remove(entry.line) != nil
                if case .failed(let failure) = result {
                    if failure.reason == "cancelled" {
                        report.status = .interrupted
                    } else if failure.exitStatus == .daemonUnreachable {
                        // Nothing reached replayd: not sent, so safe to retry; said once, below.
                        report.status = .notSent
                        unreachable = unreachable ?? failure.message
                    }
                }
                tally.finish(report.status, exitStatus: result.exitStatus, wasWaiting: wasWaiting)
                self.report(report, on: &display)
            case .notSent(let entry, let key):
                let status: ExitStatus = unreachable == nil ? .interrupted : .daemonUnreachable
                let report = BulkLineReport(notSent: entry, key: key, exitStatus: status)
                tally.finish(.notSent, exitStatus: status, wasWaiting: false)
                self.report(report, on: &display)
            case .interrupted:
                wasInterrupted = true
                if !quiet {
                    display.message("replayctl: interrupted: no new replays are sent; waiting for the ones in flight")
                }
            }
            display.update(tally, now: clock.now())
        }
        await producing
        display.finish(tally, now: clock.now())
        if let unreachable {
            reporter.printError("replayctl: error: \(unreachable) Stopped: \(tally.notSent) not sent (safe to retry).")
        }
        if !quiet {
            let summary = tally.summary
            if format.isJSON {
                reporter.printError(summary)
            } else {
                print(summary)
            }
        }
        if tally.left > 0 {
            let line = "run the same command to resume (\(tally.left) left)"
            reporter.printError(wasInterrupted ? "replayctl: interrupted: \(line)" : "replayctl: \(line)")
        }
        return wasInterrupted ? .interrupted : tally.exitStatus
    }

    /// Runs the entries with at most `concurrency` in flight, then finishes the stream. Stops starting new ones
    /// when replayd is unreachable or on Ctrl-C; the rest are reported not sent.
    private func produce(
        runner: ReplayRunner,
        clock: SystemWaitClock,
        interrupts: AsyncStream<Void>?,
        events: AsyncStream<Event>.Continuation
    ) async {
        let force = self.force
        let keys = self.keys
        let grace = self.grace
        var pending = input.entries.makeIterator()
        await withTaskGroup(of: Step.self) { group in
            var inFlight = 0
            func start(_ entry: BulkEntry) {
                let key = keys.key(line: entry.line)
                let spec = ReplayRequestSpec(
                    runID: entry.runID,
                    fromCheckpoint: entry.checkpoint.map { String($0) },
                    force: force,
                    idempotencyKey: key,
                    bulk: true
                )
                inFlight += 1
                group.addTask {
                    let result = await runner.replay(spec) { events.yield(.waiting(line: entry.line)) }
                    return .finished(entry, key, result)
                }
            }
            func watch() {
                guard let interrupts else { return }
                group.addTask {
                    for await _ in interrupts { return .interrupt }
                    return .idle
                }
            }
            watch()
            for _ in 0..<concurrency {
                guard let entry = pending.next() else { break }
                start(entry)
            }
            var stopped = false
            var interrupted = false
            while inFlight > 0, let step = await group.next() {
                switch step {
                case .finished(let entry, let key, let result):
                    inFlight -= 1
                    events.yield(.finished(entry, key: key, result))
                    if case .failed(let failure) = result, failure.exitStatus == .daemonUnreachable {
                        stopped = true
                    }
                    if !stopped, let next = pending.next() { start(next) }
                case .interrupt:
                    if interrupted {
                        group.cancelAll()  // A second Ctrl-C: stop waiting.
                    } else {
                        interrupted = true
                        stopped = true
                        events.yield(.interrupted)
                        watch()
                        group.addTask {
                            await clock.sleep(for: grace)
                            return Task.isCancelled ? .idle : .graceOver
                        }
                    }
                case .graceOver:
                    group.cancelAll()
                case .idle:
                    break
                }
            }
            group.cancelAll()
        }
        while let entry = pending.next() {
            events.yield(.notSent(entry, key: keys.key(line: entry.line)))
        }
        events.finish()
    }

    /// One line's report: a JSON line on stdout (JSON formats), its new run id (`-q`), or, in table format, a
    /// failed or pending line on stderr. Lines not sent are summed up once instead.
    private func report(_ report: BulkLineReport, on display: inout ProgressDisplay) {
        if reporter.options.quiet {
            if let newRunID = report.newRunID { print(newRunID) }
            return
        }
        if format.isJSON {
            FileHandle.standardOutput.write(Data((report.jsonLine() + "\n").utf8))
            return
        }
        guard report.status == .failed || report.status == .pending else { return }
        var text = "line \(report.line)"
        if let runID = report.runID { text += ": run \(runID)" }
        text += ": \(report.status.rawValue)"
        if let error = report.error { text += ": \(error)" }
        if report.exitCode == ExitStatus.outcomePending.rawValue, let key = report.key {
            text += " (replayctl show \(key))"
        }
        display.message(text)
    }
}

import Foundation
import ReplayctlKit

/// Replays every line of a bulk file, `concurrency` at a time, each with its derived key and the single replay's
/// waiting rules. Prints one JSON line per input line (`-o json`) or each failure (table), a progress line on a
/// terminal's stderr, and a summary; returns the most severe exit status of the lines.
///
/// Once a line finds replayd unreachable, no further line is sent: the rest are reported failed (exit 9).
struct BulkReplayer: Sendable {
    let input: BulkInput
    let keys: BulkKey
    let force: Bool
    let concurrency: Int
    let policy: WaitPolicy
    let format: OutputFormat

    private enum Event: Sendable {
        case waiting(line: Int)
        case finished(BulkEntry, key: String, ReplayResult)
        case skipped(BulkEntry, key: String, reason: String)
    }

    func run(client: DaemonClient) async -> ExitStatus {
        var tally = BulkTally(total: input.lineCount)
        var display = ProgressDisplay(enabled: ProgressDisplay.stderrIsTerminal)
        let clock = SystemWaitClock()
        for error in input.errors {
            tally.finishMalformed()
            report(BulkLineReport(malformed: error), on: &display)
        }
        display.update(tally, now: clock.now())

        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let runner = ReplayRunner(client: client, policy: policy, clock: clock)
        async let producing: Void = produce(runner: runner, events: continuation)
        var waitingLines: Set<Int> = []
        for await event in events {
            switch event {
            case .waiting(let line):
                waitingLines.insert(line)
                tally.startWaiting()
            case .finished(let entry, let key, let result):
                let report = BulkLineReport(entry: entry, key: key, result: result)
                tally.finish(
                    report.status,
                    exitStatus: result.exitStatus,
                    wasWaiting: waitingLines.remove(entry.line) != nil
                )
                self.report(report, on: &display)
            case .skipped(let entry, let key, let reason):
                let failure = ReplayFailure(message: reason, exitStatus: .daemonUnreachable, key: key)
                let report = BulkLineReport(entry: entry, key: key, result: .failed(failure))
                tally.finish(.failed, exitStatus: .daemonUnreachable, wasWaiting: false)
                self.report(report, on: &display)
            }
            display.update(tally, now: clock.now())
        }
        await producing
        display.finish(tally)
        let summary = tally.summary
        switch format {
        case .json: FileHandle.standardError.write(Data((summary + "\n").utf8))
        case .table: FileHandle.standardOutput.write(Data((summary + "\n").utf8))
        }
        return tally.exitStatus
    }

    /// Runs the entries with at most `concurrency` in flight, then finishes the stream.
    private func produce(runner: ReplayRunner, events: AsyncStream<Event>.Continuation) async {
        let force = self.force
        let keys = self.keys
        await withTaskGroup(of: (BulkEntry, String, ReplayResult).self) { group in
            var pending = input.entries.makeIterator()
            func start(_ entry: BulkEntry) {
                let key = keys.key(line: entry.line)
                let spec = ReplayRequestSpec(
                    runID: entry.runID,
                    fromCheckpoint: entry.checkpoint.map { String($0) },
                    force: force,
                    idempotencyKey: key
                )
                group.addTask {
                    let result = await runner.replay(spec) { events.yield(.waiting(line: entry.line)) }
                    return (entry, key, result)
                }
            }
            for _ in 0..<concurrency {
                guard let entry = pending.next() else { break }
                start(entry)
            }
            var unreachable: String?
            while let (entry, key, result) = await group.next() {
                events.yield(.finished(entry, key: key, result))
                if case .failed(let failure) = result, failure.exitStatus == .daemonUnreachable {
                    unreachable = unreachable ?? failure.message
                }
                if unreachable == nil, let next = pending.next() { start(next) }
            }
            if let unreachable {
                while let entry = pending.next() {
                    let reason = "not sent: \(unreachable)"
                    events.yield(.skipped(entry, key: keys.key(line: entry.line), reason: reason))
                }
            }
        }
        events.finish()
    }

    /// One line's report: a JSON line on stdout (`-o json`), or, in table format, a failed or pending line on
    /// stderr.
    private func report(_ report: BulkLineReport, on display: inout ProgressDisplay) {
        switch format {
        case .json:
            FileHandle.standardOutput.write(Data((report.jsonLine() + "\n").utf8))
        case .table:
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
}

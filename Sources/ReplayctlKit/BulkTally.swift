/// The counts of a bulk replay as it goes, the progress line, the summary and the exit status.
public struct BulkTally: Sendable, Hashable {
    /// Lines to do: entries and malformed lines.
    public let total: Int
    /// Lines finished, whatever their outcome.
    public private(set) var done = 0
    /// Lines that created a new run.
    public private(set) var created = 0
    /// Lines whose key was already done.
    public private(set) var replayed = 0
    /// Lines coalesced into another replay.
    public private(set) var coalesced = 0
    /// Lines that failed, malformed ones included.
    public private(set) var failed = 0
    /// Malformed lines (also counted in `failed`).
    public private(set) var malformed = 0
    /// Lines that ended pending.
    public private(set) var pendingFinal = 0
    /// Lines never sent (replayd lost, or Ctrl-C first): safe to retry.
    public private(set) var notSent = 0
    /// Lines sent whose answer Ctrl-C cut short: the same command again finds them by key.
    public private(set) var interrupted = 0
    /// Lines being waited for now (a 409 or 202 being followed).
    public private(set) var waiting = 0
    /// The most severe exit status so far.
    public private(set) var exitStatus = ExitStatus.ok

    /// Creates a tally for `total` lines.
    public init(total: Int) {
        self.total = total
    }

    /// Pending as shown: ended pending, or being waited for.
    public var pending: Int { pendingFinal + waiting }

    /// Lines a re-run has still to do: not sent or interrupted.
    public var left: Int { notSent + interrupted }

    /// A line started waiting for its outcome.
    public mutating func startWaiting() {
        waiting += 1
    }

    /// A line finished. `wasWaiting` when `startWaiting` was called for it.
    public mutating func finish(_ status: BulkLineStatus, exitStatus lineStatus: ExitStatus, wasWaiting: Bool) {
        if wasWaiting { waiting = max(0, waiting - 1) }
        done += 1
        switch status {
        case .created: created += 1
        case .replayed: replayed += 1
        case .coalesced: coalesced += 1
        case .failed: failed += 1
        case .pending: pendingFinal += 1
        case .notSent: notSent += 1
        case .interrupted: interrupted += 1
        }
        exitStatus = ExitStatus.mostSevere([exitStatus, lineStatus])
    }

    /// A malformed line: failed, exit 7.
    public mutating func finishMalformed() {
        malformed += 1
        finish(.failed, exitStatus: .badRequest, wasWaiting: false)
    }

    /// `[#####...............] 512/2000 created 500 replayed 0 coalesced 3 failed 2 pending 7`.
    public func progressLine(barWidth: Int = 20) -> String {
        progressLine(barWidth: barWidth, elapsed: nil)
    }

    /// The progress line for a terminal `columns` wide, leaving the last column free: the bar shrinks (down to 5)
    /// before the counts are cut, and goes when even that does not fit. With `elapsed` (since the replay began),
    /// the rate, elapsed time and ETA follow `done/total`.
    public func progressLine(fitting columns: Int, elapsed: Duration? = nil) -> String {
        let text = counts(elapsed: elapsed)
        let room = columns - 1 - text.count - 3
        guard room >= 5 else { return String(text.prefix(max(1, columns - 1))) }
        return progressLine(barWidth: min(20, room), elapsed: elapsed)
    }

    /// `[#####...] 512/2000 12.5/s elapsed 0:41 ETA 1:59 created 500 ...`; without `elapsed`, the counts alone.
    public func progressLine(barWidth: Int, elapsed: Duration?) -> String {
        let width = max(1, barWidth)
        let filled = total == 0 ? width : min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "[\(bar)] " + counts(elapsed: elapsed)
    }

    private var counts: String { counts(elapsed: nil) }

    private func counts(elapsed: Duration?) -> String {
        var text = "\(done)/\(total)"
        if let elapsed { text += " " + timing(elapsed: elapsed) }
        text += " created \(created) replayed \(replayed) coalesced \(coalesced) failed \(failed) pending \(pending)"
        if notSent > 0 { text += " not sent \(notSent)" }
        return text
    }

    /// `12.5/s elapsed 0:41 ETA 1:59`: lines answered per second, and the time left at that rate; the ETA is `-`
    /// until a line is answered.
    public func timing(elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Lines not sent took no time: they count neither for the rate nor against the ETA.
        let answered = done - notSent
        let rate = seconds > 0 ? Double(answered) / seconds : 0
        let eta: String
        if done >= total {
            eta = "0:00"
        } else if rate > 0 {
            eta = Self.clock(Double(total - done) / rate)
        } else {
            eta = "-"
        }
        return "\(Self.rate(rate))/s elapsed \(Self.clock(seconds)) ETA \(eta)"
    }

    /// `m:ss`, or `h:mm:ss` from an hour on.
    public static func clock(_ seconds: Double) -> String {
        let whole = seconds.isFinite ? Int(min(max(seconds, 0), 2e9).rounded(.down)) : 0
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(minutes):\(two(rest))"
    }

    /// One decimal under 100 per second, whole numbers above.
    static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "0.0" }
        if value >= 100 { return String(Int(value.rounded())) }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `2000 lines: 1990 created, 3 already replayed, 2 coalesced, 2 failed (1 malformed), 3 pending`.
    public var summary: String {
        let lines = total == 1 ? "1 line" : "\(total) lines"
        let failures = malformed > 0 ? "\(failed) failed (\(malformed) malformed)" : "\(failed) failed"
        var text =
            "\(lines): \(created) created, \(replayed) already replayed, \(coalesced) coalesced, \(failures), "
            + "\(pending) pending"
        if interrupted > 0 { text += ", \(interrupted) interrupted" }
        if notSent > 0 { text += ", \(notSent) not sent" }
        return text
    }
}

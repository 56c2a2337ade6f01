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
        let width = max(1, barWidth)
        let filled = total == 0 ? width : min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "[\(bar)] " + counts
    }

    /// The progress line for a terminal `columns` wide, leaving the last column free: the bar shrinks (down to 5)
    /// before the counts are cut, and goes when even that does not fit.
    public func progressLine(fitting columns: Int) -> String {
        let room = columns - 1 - counts.count - 3
        guard room >= 5 else { return String(counts.prefix(max(1, columns - 1))) }
        return progressLine(barWidth: min(20, room))
    }

    private var counts: String {
        "\(done)/\(total) created \(created) replayed \(replayed) coalesced \(coalesced) failed \(failed) "
            + "pending \(pending)"
    }

    /// `2000 lines: 1990 created, 3 already replayed, 2 coalesced, 2 failed (1 malformed), 3 pending`.
    public var summary: String {
        let lines = total == 1 ? "1 line" : "\(total) lines"
        let failures = malformed > 0 ? "\(failed) failed (\(malformed) malformed)" : "\(failed) failed"
        return "\(lines): \(created) created, \(replayed) already replayed, \(coalesced) coalesced, \(failures), "
            + "\(pending) pending"
    }
}

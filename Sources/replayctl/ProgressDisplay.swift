import Foundation
import ReplayctlKit

#if canImport(Glibc)
import Glibc
#endif

/// The bulk replay's progress line on a terminal's stderr: redrawn in place at most ten times a second, cleared
/// for messages, and ended with a newline. Does nothing but print messages when stderr is not a terminal.
struct ProgressDisplay {
    let enabled: Bool
    private var throttle = ProgressThrottle(interval: .milliseconds(100))
    private var lastLine: String?
    private var elapsed: Duration = .zero
    private let start: Duration

    /// A display whose elapsed time counts from `start` (a `WaitClock` reading).
    init(enabled: Bool, start: Duration = .zero) {
        self.enabled = enabled
        self.start = start
    }

    /// Whether stderr is a terminal.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Redraws the line if it is time to.
    mutating func update(_ tally: BulkTally, now: Duration) {
        guard enabled, throttle.shouldDraw(at: now) else { return }
        elapsed = now - start
        draw(tally)
    }

    /// Prints `text` on its own line above the progress line.
    mutating func message(_ text: String) {
        guard enabled else {
            write(text + "\n")
            return
        }
        write("\r\u{1B}[K" + text + "\n")
        if let lastLine { write(lastLine) }
    }

    /// Draws the final line and moves below it.
    mutating func finish(_ tally: BulkTally, now: Duration) {
        guard enabled else { return }
        elapsed = now - start
        draw(tally)
        write("\n")
    }

    private mutating func draw(_ tally: BulkTally) {
        let text = "\r" + tally.progressLine(fitting: Self.terminalColumns(), elapsed: elapsed) + "\u{1B}[K"
        lastLine = text
        write(text)
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// stderr's width, or 80.
    private static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}

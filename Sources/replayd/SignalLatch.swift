import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Remembers that SIGINT or SIGTERM arrived, so a polling loop (`audit tail -f`) can stop between polls and exit
/// cleanly instead of being killed mid-line. While it exists, those signals no longer terminate the process.
final class SignalLatch {
    /// The flag the signal handlers set (shared with them, so it is its own `Sendable` box).
    private final class Flag: Sendable {
        let raised = Mutex(false)
    }

    private let flag = Flag()
    private var sources: [any DispatchSourceSignal] = []

    /// Starts catching `signals`.
    init(signals: [Int32] = [SIGINT, SIGTERM]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [flag] in flag.raised.withLock { $0 = true } }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether one of the signals has arrived.
    var isRaised: Bool { flag.raised.withLock { $0 } }

    deinit {
        for source in sources { source.cancel() }
    }
}

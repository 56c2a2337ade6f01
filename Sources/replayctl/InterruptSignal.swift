import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) as a stream, for a bulk replay that stops and summarises instead of dying. While it is
/// installed the default action (exit) is off; `uninstall` restores it.
final class InterruptSignal: @unchecked Sendable {  // The dispatch source is only resumed and cancelled.
    /// One element per SIGINT.
    let interrupts: AsyncStream<Void>
    private let source: any DispatchSourceSignal
    private let continuation: AsyncStream<Void>.Continuation

    /// Starts catching SIGINT.
    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        interrupts = stream
        self.continuation = continuation
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
    }

    /// Stops catching SIGINT: the next one exits as usual.
    func uninstall() {
        source.cancel()
        continuation.finish()
        signal(SIGINT, SIG_DFL)
    }
}

import Synchronization

/// What a caller holds while a driver works on its record: a signal that fires once the driver has an answer (or
/// has stopped), and that answer.
///
/// A driver publishes a record when it rests (the record is durable) and, for a replay Strait has just created,
/// as soon as the outcome is known and before its commit: the caller is answered without waiting for the sync,
/// and a crash before that commit is recovered by reconciling the recorded attempt, which finds the same run.
final class DriverHandle: Sendable {
    private let signal = CompletionSignal()
    private let sent = CompletionSignal()
    private let answer = Mutex<ReplayRecord?>(nil)

    /// Creates a handle whose signal has not fired.
    init() {}

    /// Publishes `record` as the driver's answer and wakes every waiter. The first answer stays.
    func publish(_ record: ReplayRecord) {
        answer.withLock { answer in
            if answer == nil { answer = record }
        }
        signal.fire()
        sent.fire()
    }

    /// Marks that the driver's upstream send has returned: the next held replay may go (``waitUntilSent()``).
    func markSent() {
        sent.fire()
    }

    /// Returns once the driver has sent an attempt and heard back, or has rested or stopped; `false` if the
    /// waiting task is cancelled first.
    func waitUntilSent() async -> Bool {
        await sent.wait()
    }

    /// Wakes every waiter without an answer: the driver stopped, or never started.
    func finish() {
        signal.fire()
        sent.fire()
    }

    /// The published answer, if any.
    var published: ReplayRecord? { answer.withLock { $0 } }

    /// `true` once published or finished; `false` if the waiting task is cancelled first.
    func wait() async -> Bool {
        await signal.wait()
    }
}

import CCurl
import Logging
import Synchronization

/// The shared side of the network thread: the locked submission queue, the wake-up, shutdown and the
/// diagnostics. The thread itself, with the multi handle and every easy handle, is `CurlNetworkWorker`.
///
/// Other threads only ever touch libcurl here through `curl_multi_wakeup`, which libcurl documents as safe
/// to call from any thread, and only under the lock while the multi handle is known to be alive.
final class CurlMultiLoop: Sendable {
    /// A transfer waiting for the network thread.
    struct Submission: Sendable {
        let ticket: CurlTicket
        let plan: CurlTransferPlan
    }

    /// What the network thread takes from the queue in one go.
    struct Batch {
        var submissions: [Submission]
        var cancellations: [UInt64]
        var stopping: Bool
    }

    /// The multi handle pointer, published for `curl_multi_wakeup` only.
    struct MultiPointer: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    enum Startup {
        case pending
        case ready
        case failed(CurlError)
    }

    struct State {
        var submissions: [Submission] = []
        var cancellations: [UInt64] = []
        var stopping = false
        var wakePending = false
        var multi: MultiPointer?
        var startup = Startup.pending
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var diagnostics = CurlClientDiagnostics()
    }

    let state = Mutex(State())
    let logger: Logger
    /// The longest `curl_multi_poll` waits when libcurl has no earlier timer and nobody wakes it.
    let pollTimeoutMilliseconds: Int32 = 1000
    private let nextTicketID = Atomic<UInt64>(1)

    /// Bounds of the multi handle's connection pool.
    struct Limits: Sendable {
        var maxCachedConnections: Int
        var maxConnectionsPerHost: Int
    }

    let limits: Limits

    init(logger: Logger, limits: Limits) {
        self.logger = logger
        self.limits = limits
    }

    /// A fresh ticket id.
    func makeTicketID() -> UInt64 {
        nextTicketID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Queues a transfer and wakes the thread. Returns `false` when the loop is stopping or stopped.
    func enqueue(_ submission: Submission) -> Bool {
        state.withLock { state in
            guard !state.stopping else {
                return false
            }
            state.submissions.append(submission)
            state.diagnostics.queued += 1
            Self.wake(&state)
            return true
        }
    }

    /// Queues the removal of a submitted transfer and wakes the thread.
    func enqueueCancellation(of id: UInt64) {
        state.withLock { state in
            guard !state.stopping else {
                return  // shutdown fails everything anyway
            }
            state.cancellations.append(id)
            Self.wake(&state)
        }
    }

    /// Asks the thread to fail every transfer with `.shutdown`, clean up and exit. Idempotent.
    func requestStop() {
        state.withLock { state in
            state.stopping = true
            Self.wake(&state)
        }
    }

    /// Returns once the thread has exited and the multi handle is cleaned up.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = state.withLock { state in
                if !state.exited {
                    state.exitWaiters.append(continuation)
                }
                return state.exited
            }
            if exited {
                continuation.resume()
            }
        }
    }

    /// A snapshot of the counters.
    var diagnostics: CurlClientDiagnostics {
        state.withLock { $0.diagnostics }
    }

    /// Takes everything queued. Called by the network thread.
    func takeBatch() -> Batch {
        state.withLock { state in
            let batch = Batch(
                submissions: state.submissions,
                cancellations: state.cancellations,
                stopping: state.stopping
            )
            state.submissions.removeAll(keepingCapacity: true)
            state.cancellations.removeAll(keepingCapacity: true)
            state.diagnostics.queued = 0
            state.wakePending = false
            return batch
        }
    }

    /// Interrupts `curl_multi_poll`, once per batch. Must be called with the lock held.
    private static func wake(_ state: inout State) {
        guard !state.wakePending, let multi = state.multi else {
            return
        }
        state.wakePending = true
        _ = curl_multi_wakeup(multi.raw)
    }
}

import Synchronization

/// The caller's side of one transfer: its id, and the continuation the network thread resumes.
///
/// The ticket settles the race between a task being cancelled and its transfer being submitted. Both go
/// through the ticket's lock: a cancellation that comes first marks the ticket, and `submit` then finishes
/// at once with `.cancelled` instead of queueing; one that comes after queues a cancellation behind the
/// submission, so the network thread always sees the submission first.
///
/// Lock order: the ticket's lock may be held while taking the loop's lock, never the other way round.
final class CurlTicket: Sendable {
    typealias Continuation = CheckedContinuation<Result<HTTPResponse, CurlError>, Never>

    private enum Phase {
        /// Created; `submit` has not run yet.
        case created
        /// Cancelled before `submit`; `submit` finishes immediately.
        case cancelledBeforeSubmission
        /// Queued or running; the network thread will resume the continuation.
        case submitted(Continuation)
        /// The continuation has been resumed.
        case finished
    }

    /// Unique within the client; the network thread finds running transfers by it.
    let id: UInt64
    private let phase = Mutex<Phase>(.created)

    init(id: UInt64) {
        self.id = id
    }

    /// Queues the transfer on `loop`, or finishes at once when the task was already cancelled or the
    /// client is shut down.
    func submit(_ plan: CurlTransferPlan, continuation: Continuation, to loop: CurlMultiLoop) {
        let immediate: Result<HTTPResponse, CurlError>? = phase.withLock { phase in
            switch phase {
            case .created:
                // Enqueue under our lock, so a concurrent `cancel` cannot queue its cancellation first.
                if loop.enqueue(CurlMultiLoop.Submission(ticket: self, plan: plan)) {
                    phase = .submitted(continuation)
                    return nil
                }
                phase = .finished
                return .failure(CurlError(code: .shutdown, message: "the HTTP client has been shut down"))
            case .cancelledBeforeSubmission:
                phase = .finished
                return .failure(CurlError(code: .cancelled, message: "the request was cancelled before it started"))
            case .submitted, .finished:
                // `send` submits a ticket exactly once.
                return .failure(CurlError(code: .other, message: "internal error: transfer submitted twice"))
            }
        }
        if let immediate {
            continuation.resume(returning: immediate)
        }
    }

    /// Asks for the transfer to be removed. Called from the task's cancellation handler, on any thread.
    func cancel(through loop: CurlMultiLoop) {
        phase.withLock { phase in
            switch phase {
            case .created:
                phase = .cancelledBeforeSubmission
            case .submitted:
                loop.enqueueCancellation(of: id)
            case .cancelledBeforeSubmission, .finished:
                break
            }
        }
    }

    /// Resumes the caller with `result`. Only the first call has an effect.
    func complete(with result: Result<HTTPResponse, CurlError>) {
        let continuation: Continuation? = phase.withLock { phase in
            guard case .submitted(let continuation) = phase else {
                return nil
            }
            phase = .finished
            return continuation
        }
        continuation?.resume(returning: result)
    }
}

/// What one attempt at a follow-up led to, as reported to a ``FollowUpObserver``.
public struct FollowUpEvent: Sendable, Hashable, CustomStringConvertible {
    /// The result of the attempt.
    public enum Result: Sendable, Hashable {
        /// The platform accepted it with this 2xx status. Final.
        case delivered(status: Int)
        /// It failed in a way worth retrying (network, 5xx, 429); the next try is at `nextAttemptAt` (Unix ms).
        case retrying(nextAttemptAt: Int64, status: Int?, error: String)
        /// It will never be posted. Final.
        case failed(FollowUpFailure, status: Int?)
    }

    /// The follow-up as stored after the attempt (state, attempts, last error).
    public var followUp: FollowUp
    /// The result of the attempt.
    public var result: Result

    /// Creates an event.
    public init(followUp: FollowUp, result: Result) {
        self.followUp = followUp
        self.result = result
    }

    /// Whether the follow-up reached a final state (`delivered` or `failed`).
    public var isFinal: Bool {
        if case .retrying = result { return false }
        return true
    }

    /// Names the follow-up and the result, without its destination.
    public var description: String {
        switch result {
        case .delivered(let status):
            "\(followUp): delivered (HTTP \(status))"
        case .retrying(let nextAttemptAt, _, let error):
            "\(followUp): retrying at \(nextAttemptAt) after \(error)"
        case .failed(let failure, _):
            "\(followUp): failed, \(failure)"
        }
    }
}

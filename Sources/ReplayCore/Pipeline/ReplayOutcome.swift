import Curl
import Strait

/// How a replay ended, for the door to render.
public enum ReplayOutcome: Sendable {
    /// Strait created a new run. `response` is Strait's 201, for verbatim pass-through.
    case replayed(run: JobRun, response: HTTPResponse, attempts: [UpstreamAttempt])
    /// Strait refused the replay; its status and envelope pass through to the caller.
    case rejected(StraitAPIError, attempts: [UpstreamAttempt])
    /// replayd could not get an answer, or refused the request itself.
    case failed(ReplayError, attempts: [UpstreamAttempt])

    /// Every upstream attempt made for this request, in order.
    public var attempts: [UpstreamAttempt] {
        switch self {
        case .replayed(_, _, let attempts), .rejected(_, let attempts), .failed(_, let attempts): return attempts
        }
    }
}

/// One upstream call: the request id it carried and what came of it.
public struct UpstreamAttempt: Sendable, Hashable {
    /// How the attempt ended, as far as a retry decision is concerned.
    public enum Result: Sendable, Hashable {
        /// A response with this status.
        case status(Int)
        /// No response, and no request bytes were sent: nothing can have happened upstream.
        case notSent(CurlError.Code)
        /// No response after the request was sent: the outcome is unknown.
        case sentNoResponse(CurlError.Code)
    }

    /// The `X-Request-Id` this attempt carried.
    public var requestID: String
    /// What came of it.
    public var result: Result
    /// The wall time of the transfer.
    public var duration: Duration

    /// Creates an attempt record.
    public init(requestID: String, result: Result, duration: Duration) {
        self.requestID = requestID
        self.result = result
        self.duration = duration
    }
}

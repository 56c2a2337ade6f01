import Curl
import Strait

/// What one replay attempt means for exactly-once (spec §2 and §4).
enum AttemptVerdict {
    /// Strait created the run.
    case created(StraitResult<JobRun>)
    /// Strait refused before enqueueing (rows 1–7, 9–16): no run exists. `retryable` for the 429s and 503.
    case refused(StraitAPIError, retryable: Bool)
    /// No request byte was sent: no run exists, retrying is safe.
    case notSent(CurlError)
    /// A run may exist: look it up before any retry.
    case ambiguous(AttemptOutcome, status: Int?, reason: String)

    init(_ result: Result<StraitResult<JobRun>, StraitClientError>) {
        switch result {
        case .success(let created):
            self = .created(created)
        case .failure(.invalidInput(let input)):
            self = .refused(
                StraitAPIError(
                    response: HTTPResponse(
                        status: 400,
                        body: ReplayEngine.encode(StraitErrorEnvelope(code: "bad_request", message: input.message))
                    ),
                    nowUnixSeconds: 0
                ),
                retryable: false
            )
        case .failure(.transport(let error)):
            self =
                error.facts.requestSent
                ? .ambiguous(.sentNoResponse, status: nil, reason: "sent, then \(error.code): \(error.message)")
                : .notSent(error)
        case .failure(.undecodableResponse(let response, let reason)):
            self = .ambiguous(.answered, status: response.status, reason: "undecodable \(response.status): \(reason)")
        case .failure(.api(let apiError)):
            self = Self.classify(apiError)
        }
    }

    private static func classify(_ error: StraitAPIError) -> AttemptVerdict {
        switch error.status {
        case 500, 502, 504:
            // Every 5xx body says `internal server error`; the enqueue commits outside the request transaction.
            return .ambiguous(
                .answered,
                status: error.status,
                reason: "\(error.status) \(error.code): \(error.message)"
            )
        case 429 where error.message == "database admission control throttled":
            // Row 1 (before anything) and row 8 (at commit, after the enqueue) are indistinguishable.
            return .ambiguous(.answered, status: 429, reason: "429 \(error.message)")
        case 429, 503:
            return .refused(error, retryable: true)
        default:
            return .refused(error, retryable: false)
        }
    }
}

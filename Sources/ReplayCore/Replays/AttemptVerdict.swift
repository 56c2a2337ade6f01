import Curl
import Strait

/// One replay attempt's result: the `AttemptClassifier`'s class (the single source of truth for what a result
/// means, spec §2 and §4) together with the payload the engine stores.
struct AttemptVerdict {
    /// What happened, with its payload.
    enum Kind {
        /// Strait created the run.
        case created(StraitResult<ReplayedRun>)
        /// Strait refused before enqueueing (or replayd refused locally): no run exists.
        case refused(StraitAPIError, retryable: Bool)
        /// No request byte was sent: no run exists.
        case notSent(CurlError)
        /// A run may exist: look it up before any retry.
        case ambiguous(AttemptOutcome, status: Int?, reason: String)
    }

    /// What happened.
    let kind: Kind
    /// The classifier's class, for the retry schedule, the budget and the breaker.
    let classification: AttemptClass

    init(_ result: Result<StraitResult<ReplayedRun>, StraitClientError>) {
        let classification = AttemptClassifier().classify(result)
        self.classification = classification
        self.kind = Self.kind(classification, result)
    }

    private static func kind(
        _ classification: AttemptClass,
        _ result: Result<StraitResult<ReplayedRun>, StraitClientError>
    )
        -> Kind
    {
        switch (classification, result) {
        case (.created, .success(let created)):
            return .created(created)
        case (.refused(_, _, _, let retryable), .failure(.api(let apiError))):
            return .refused(apiError, retryable: retryable)
        case (.notSent, .failure(.transport(let error))):
            return .notSent(error)
        case (.invalidInput(let input), _):
            let body = ReplayEngine.encode(StraitErrorEnvelope(code: "bad_request", message: input.message))
            return .refused(
                StraitAPIError(response: HTTPResponse(status: 400, body: body), nowUnixSeconds: 0),
                retryable: false
            )
        case (_, .failure(.transport(let error))):
            return .ambiguous(.sentNoResponse, status: nil, reason: "sent, then \(error.code): \(error.message)")
        case (_, .failure(.api(let apiError))):
            return .ambiguous(
                .answered,
                status: apiError.status,
                reason: "\(apiError.status) \(apiError.code): \(apiError.message)"
            )
        case (_, .failure(.undecodableResponse(let response, let reason))):
            return .ambiguous(.answered, status: response.status, reason: "undecodable \(response.status): \(reason)")
        case (_, .success(let created)):
            return .created(created)
        case (_, .failure(.invalidInput(let input))):
            return .ambiguous(.answered, status: nil, reason: input.message)
        }
    }
}

import Strait

extension UpstreamPacer {
    /// Learns from the outcome of `ticket`'s call: an answer (a success, an API error, or a body that did not
    /// decode) is observed for its rate-limit headers; a call that got no answer is abandoned.
    public func settle<Value: Sendable>(_ ticket: Ticket, after result: Result<StraitResult<Value>, StraitClientError>)
    {
        switch result {
        case .success(let answered):
            observe(ticket, status: answered.response.status, headers: answered.response.headers)
        case .failure(.api(let apiError)):
            observe(ticket, status: apiError.status, headers: apiError.response.headers)
        case .failure(.undecodableResponse(let response, _)):
            observe(ticket, status: response.status, headers: response.headers)
        case .failure:
            abandon(ticket)
        }
    }
}

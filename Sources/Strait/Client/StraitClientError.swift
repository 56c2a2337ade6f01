import Curl

/// Why a Strait call did not produce the value asked for.
public enum StraitClientError: Error, Sendable, CustomStringConvertible {
    /// The input was refused before any network call.
    case invalidInput(StraitInputError)
    /// No HTTP response: the transfer failed. `CurlError.facts.requestSent` says whether Strait may have seen it.
    case transport(CurlError)
    /// Strait answered with a non-2xx status.
    case api(StraitAPIError)
    /// Strait answered 2xx, but the body could not be decoded. For a replay this is ambiguous: a run may exist.
    case undecodableResponse(HTTPResponse, reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let error): return error.message
        case .transport(let error): return "could not reach Strait: \(error.message) (\(error.code))"
        case .api(let error): return error.description
        case .undecodableResponse(let response, let reason):
            return "Strait answered \(response.status) with a body that could not be decoded: \(reason)"
        }
    }
}

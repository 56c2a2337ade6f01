import Curl
import Strait

/// Sorts the result of one replay attempt into an ``AttemptClass`` by what it proves (spec §2 and §4).
///
/// | Answer | Class |
/// |---|---|
/// | 2xx with a run | `created` |
/// | 2xx with a body that is not a run | `ambiguous(.undecodableSuccess)` |
/// | transport failure, nothing written (`facts.requestSent == false`) | `notSent` |
/// | transport failure after sending (timeout, reset, empty reply) | `ambiguous(.noResponse)` |
/// | a kept connection died after the request went out; libcurl's re-send refused (`.resendRefused`) | `ambiguous(.noResponse(.resendRefused))` |
/// | 429 `database admission control throttled` (row 1 = row 8) | `ambiguous(.admissionThrottled)` |
/// | any other 429: per-IP text (2), auth lockout (3), key limit (7), `enqueue_throttled` (16) | `refused`, retryable |
/// | 503 envelope `service_unavailable` (7b) | `refused`, retryable |
/// | 408, 425 (a proxy that did not pass the request on) | `refused`, retryable |
/// | 500, 502, 504, other 5xx, a 503 that is not Strait's envelope | `ambiguous(.serverError)` |
/// | 400, 401, 403, 404, 406, 409, 415, 422 and every other status | `refused`, not retryable |
///
/// A 500 from rows 12 and 15 happens before the enqueue, but Strait rewrites every handler 5xx to
/// `internal server error`, so it cannot be told apart from row 8's commit failure or row 18: all 500s are
/// ambiguous.
public struct AttemptClassifier: Sendable {
    /// The message rows 1 and 8 share (spec §2).
    public static let admissionThrottledMessage = "database admission control throttled"

    /// Creates a classifier.
    public init() {}

    /// Classifies the result of `ReplayUpstream.replay`.
    public func classify(_ result: Result<StraitResult<ReplayedRun>, StraitClientError>) -> AttemptClass {
        switch result {
        case .success: return .created
        case .failure(let error): return classify(error)
        }
    }

    /// Classifies a failed replay call.
    public func classify(_ error: StraitClientError) -> AttemptClass {
        switch error {
        case .invalidInput(let input): return .invalidInput(input)
        case .transport(let curlError): return classify(curlError)
        case .api(let apiError): return classify(apiError)
        case .undecodableResponse(let response, _):
            return .ambiguous(reason: .undecodableSuccess(status: response.status))
        }
    }

    /// Classifies a transfer that produced no HTTP response.
    ///
    /// `.resendRefused` is ambiguous whatever the byte count says: it only happens once the request was written
    /// to a connection that then died, so the server may have read it.
    public func classify(_ error: CurlError) -> AttemptClass {
        if error.code == .resendRefused || error.facts.requestSent {
            return .ambiguous(reason: .noResponse(error.code))
        }
        return .notSent(error.code)
    }

    /// Classifies a non-2xx answer.
    public func classify(_ error: StraitAPIError) -> AttemptClass {
        classify(
            status: error.status,
            code: error.code,
            message: error.message,
            isEnvelope: error.isEnvelope,
            retryAfter: error.retryAfter
        )
    }

    /// Classifies an answer from its pieces.
    ///
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - code: `error.code` (or the code derived from the status when the body was not the envelope).
    ///   - message: `error.message`, or the plain-text body.
    ///   - isEnvelope: whether the body was Strait's JSON envelope.
    ///   - retryAfter: the parsed `Retry-After`, if any.
    public func classify(
        status: Int,
        code: String,
        message: String,
        isEnvelope: Bool,
        retryAfter: RetryAfter?
    ) -> AttemptClass {
        switch status {
        case 200..<300:
            return .created
        case 429:
            if Self.isAdmissionThrottled(message) {
                return .ambiguous(reason: .admissionThrottled(retryAfter: retryAfter))
            }
            return .refused(status: status, code: code, retryAfter: retryAfter, retryable: true)
        case 503 where isEnvelope && code == "service_unavailable":
            return .refused(status: status, code: code, retryAfter: retryAfter, retryable: true)
        case 500..<600:
            return .ambiguous(reason: .serverError(status: status))
        case 408, 425:
            return .refused(status: status, code: code, retryAfter: retryAfter, retryable: true)
        default:
            return .refused(status: status, code: code, retryAfter: retryAfter, retryable: false)
        }
    }

    private static func isAdmissionThrottled(_ message: String) -> Bool {
        message.lowercased().contains(admissionThrottledMessage)
    }
}

import Curl
import Foundation
import Strait

/// What one `POST /v1/runs/{runID}/replay` answer means for the caller.
public enum ReplayAnswer: Sendable {
    /// 200/201: the run exists (new, coalesced, or the stored answer for a finished key).
    case created(CreatedReplay)
    /// 409 `request_in_progress`: the same key is in flight; ask again after `retryAfter`.
    case inProgress(key: String?, retryAfter: String?)
    /// 503 `service_unavailable` or `too_many_connections`: replayd refused the connection before reading it (too
    /// many connections in all, or from this uid), so nothing was recorded. The failure is the result when it is
    /// not re-sent.
    case overloaded(ReplayFailure, retryAfter: String?)
    /// 202 `outcome_pending`: replayd is still working on it in the background.
    case pending(PendingReplay)
    /// Anything else: a refusal or an error, final for this request.
    case failed(ReplayFailure)

    /// Classifies `response`. `sentKey` is the key the request carried; replayd's `Idempotency-Key` header wins.
    public init(response: HTTPResponse, sentKey: String?) {
        let headers = response.headers
        let key = headers["Idempotency-Key"] ?? sentKey
        let envelope = try? JSONDecoder().decode(StraitErrorEnvelope.self, from: Data(response.body))
        let code = envelope?.error.code
        switch (response.status, code) {
        case (200, _), (201, _):
            self = .created(CreatedReplay(response: response, key: key))
        case (202, _):
            let pending = PendingReplay(
                key: key,
                location: headers["Location"],
                retryAfter: headers["Retry-After"],
                message: envelope?.error.message ?? "replayd is still working on this replay",
                body: response.body
            )
            self = .pending(pending)
        case (409, "request_in_progress"):
            self = .inProgress(key: key, retryAfter: headers["Retry-After"])
        case (503, "service_unavailable"), (503, "too_many_connections"), (429, "rate_limited"):
            self = .overloaded(Self.failure(response, envelope, key), retryAfter: headers["Retry-After"])
        default:
            self = .failed(Self.failure(response, envelope, key))
        }
    }

    private static func failure(
        _ response: HTTPResponse,
        _ envelope: StraitErrorEnvelope?,
        _ key: String?
    ) -> ReplayFailure {
        ReplayFailure(
            status: response.status,
            envelope: envelope,
            requestID: response.headers["X-Request-Id"],
            key: key
        )
    }
}

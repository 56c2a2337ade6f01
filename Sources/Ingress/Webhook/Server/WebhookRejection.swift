import HTTPServer

/// An answer the listener gives on its own at the head, before the door sees the request, in the one error
/// shape of every door (``ErrorEnvelope``).
struct WebhookRejection: Sendable {
    enum Code: String, Sendable {
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case rateLimited = "rate_limited"
        case throttled = "too_many_verification_failures"

        var status: Int {
            switch self {
            case .notFound: 404
            case .methodNotAllowed: 405
            case .rateLimited, .throttled: 429
            }
        }
    }

    var code: Code
    var message: String
    /// Sent as `Retry-After` (whole seconds).
    var retryAfterSeconds: Int?

    init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    func response(requestID: String) -> HTTPServerResponse {
        var response = ErrorEnvelope.response(
            status: code.status,
            code: code.rawValue,
            message: message,
            requestID: requestID,
            retryAfterSeconds: retryAfterSeconds
        )
        if code == .methodNotAllowed { response.headers.add(name: "Allow", value: "POST") }
        return response
    }
}

import Foundation

/// An answer the listener gives on its own, before (or instead of) the handler: JSON in the same envelope as
/// the socket door's errors, `{"error":{"code":...,"message":...,"request_id":...}}`.
struct WebhookRejection: Sendable {
    enum Code: String, Sendable {
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case payloadTooLarge = "payload_too_large"
        case headersTooLarge = "request_header_fields_too_large"
        case badRequest = "bad_request"
        case requestTimeout = "request_timeout"
        case rateLimited = "rate_limited"
        case throttled = "too_many_verification_failures"
        case unavailable = "service_unavailable"

        var status: Int {
            switch self {
            case .notFound: 404
            case .methodNotAllowed: 405
            case .payloadTooLarge: 413
            case .headersTooLarge: 431
            case .badRequest: 400
            case .requestTimeout: 408
            case .rateLimited, .throttled: 429
            case .unavailable: 503
            }
        }
    }

    private struct Envelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var requestID: String

            enum CodingKeys: String, CodingKey {
                case code, message
                case requestID = "request_id"
            }
        }

        var error: Body
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

    func response(requestID: String) -> WebhookHTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let envelope = Envelope(error: .init(code: code.rawValue, message: message, requestID: requestID))
        let body = ((try? encoder.encode(envelope)).map(Array.init) ?? Array("{}".utf8)) + [0x0A]
        var response = WebhookHTTPResponse.json(code.status, body)
        if let retryAfterSeconds { response.headers.append((name: "Retry-After", value: String(retryAfterSeconds))) }
        if code == .methodNotAllowed { response.headers.append((name: "Allow", value: "POST")) }
        return response
    }
}

/// Strait's error body (spec §2.1, not RFC 9457): `{"error":{"code","message","details"?},"request_id"?}`.
///
/// replayd's own errors on the socket use the same envelope, so Strait clients pointed at the socket work.
public struct StraitErrorEnvelope: Sendable, Hashable, Codable {
    /// The `error` object.
    public struct Body: Sendable, Hashable, Codable {
        public var code: String
        public var message: String
        public var details: [String]?

        /// Creates an error body.
        public init(code: String, message: String, details: [String]? = nil) {
            self.code = code
            self.message = message
            self.details = details
        }
    }

    public var error: Body
    public var requestID: String?

    enum CodingKeys: String, CodingKey {
        case error
        case requestID = "request_id"
    }

    /// Creates an envelope.
    public init(code: String, message: String, details: [String]? = nil, requestID: String? = nil) {
        self.error = Body(code: code, message: message, details: details)
        self.requestID = requestID
    }

    /// The code Strait derives from a status when none is explicit (`server.go:1326-1349`).
    public static func defaultCode(forStatus status: Int) -> String {
        switch status {
        case 400: return "bad_request"
        case 401: return "authentication_required"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 409: return "conflict"
        case 422: return "validation_failed"
        case 429: return "rate_limited"
        case 503: return "service_unavailable"
        default: return "internal_error"
        }
    }
}

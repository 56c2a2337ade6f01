import Curl
import Foundation

/// A non-2xx answer from Strait, decoded from its envelope, or from the plain-text bodies the spec lists
/// (the per-IP 429 `Too Many Requests`, chi's `404 page not found`, an empty 504).
public struct StraitAPIError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// `error.code`, or the code Strait would derive from the status when the body was not the envelope.
    public var code: String
    /// `error.message`, or the plain-text body, or a synthesized message for an empty body.
    public var message: String
    /// `error.details`.
    public var details: [String]?
    /// `request_id` from the envelope.
    public var requestID: String?
    /// The parsed `Retry-After` header, when present.
    public var retryAfter: RetryAfter?
    /// Whether the body was Strait's JSON envelope (`false` for the plain-text and empty bodies).
    public var isEnvelope: Bool
    /// The response as received, for verbatim pass-through.
    public var response: HTTPResponse

    /// Decodes an error response.
    public init(response: HTTPResponse, nowUnixSeconds: Int64) {
        self.status = response.status
        self.response = response
        self.retryAfter = response.headers["Retry-After"].flatMap {
            RetryAfter(headerValue: $0, nowUnixSeconds: nowUnixSeconds)
        }
        if let envelope = try? StraitJSON.decoder.decode(StraitErrorEnvelope.self, from: Data(response.body)) {
            self.code = envelope.error.code
            self.message = envelope.error.message
            self.details = envelope.error.details
            self.requestID = envelope.requestID
            self.isEnvelope = true
        } else {
            self.code = StraitErrorEnvelope.defaultCode(forStatus: response.status)
            let text = String(decoding: response.body.prefix(512), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            self.message = text.isEmpty ? "HTTP \(response.status) with an empty body" : text
            self.details = nil
            self.requestID = nil
            self.isEnvelope = false
        }
    }

    /// The envelope to show a client: Strait's own when it sent one, otherwise one built from the status.
    public var envelope: StraitErrorEnvelope {
        StraitErrorEnvelope(code: code, message: message, details: details, requestID: requestID)
    }

    public var description: String { "Strait answered \(status) \(code): \(message)" }
}

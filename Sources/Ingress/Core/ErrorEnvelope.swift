import Foundation
import HTTPServer
import NIOHTTP1
import Strait

/// The one error shape of every door: Strait's envelope `{"error":{"code","message","details"},"request_id"}`,
/// so a Strait client pointed at replayd reads replayd's refusals like Strait's own.
enum ErrorEnvelope {
    /// A JSON error response; the body ends with a newline like Strait's.
    static func response(
        status: Int,
        code: String,
        message: String,
        details: [String] = [],
        requestID: String?,
        retryAfterSeconds: Int? = nil
    ) -> HTTPServerResponse {
        let envelope = StraitErrorEnvelope(
            code: code,
            message: message,
            details: details.isEmpty ? nil : details,
            requestID: requestID
        )
        let data = (try? StraitJSON.encoder.encode(envelope)) ?? Data("{}".utf8)
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let retryAfterSeconds { headers.add(name: "Retry-After", value: String(retryAfterSeconds)) }
        return HTTPServerResponse(status: status, headers: headers, body: Array(data) + [0x0A])
    }

    /// A refusal the core made, in this shape.
    static func response(_ refusal: HTTPRefusal, requestID: String) -> HTTPServerResponse {
        response(
            status: refusal.code.status,
            code: refusal.code.rawValue,
            message: refusal.message,
            requestID: requestID,
            retryAfterSeconds: refusal.retryAfterSeconds
        )
    }
}

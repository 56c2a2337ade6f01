import Foundation
import HTTPServer
import NIOHTTP1
import ReplayCore
import Strait

/// A response for a door to write: the core's response type, with the socket door's JSON helpers.
public typealias GatewayResponse = HTTPServerResponse

extension HTTPServerResponse {
    /// A JSON response; the body ends with a newline like Strait's.
    public static func json<Value: Encodable>(
        _ status: Int,
        _ value: Value,
        headers: HTTPHeaders = [:]
    )
        -> HTTPServerResponse
    {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        let data = (try? StraitJSON.encoder.encode(value)) ?? Data("{}".utf8)
        return HTTPServerResponse(status: status, headers: headers, body: Array(data) + [0x0A])
    }

    /// replayd's own error in Strait's envelope, carrying the gateway request id.
    public static func error(_ error: ReplayError, requestID: String?, close: Bool = false) -> HTTPServerResponse {
        var response = ErrorEnvelope.response(
            status: error.code.status,
            code: error.code.rawValue,
            message: error.message,
            details: error.details,
            requestID: requestID
        )
        response.closeConnection = close
        return response
    }
}

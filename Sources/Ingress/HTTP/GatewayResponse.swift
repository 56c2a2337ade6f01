import Curl
import Foundation
import ReplayCore
import Strait

/// A response for a door to write.
public struct GatewayResponse: Sendable {
    /// The status.
    public var status: Int
    /// Header fields (`Content-Length`, `Api-Version` and `X-Request-Id` are added when written).
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]
    /// Close the connection after this response.
    public var closeConnection: Bool

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }

    /// A JSON response; the body ends with a newline like Strait's.
    public static func json<Value: Encodable>(
        _ status: Int,
        _ value: Value,
        headers: HTTPHeaders = [:]
    )
        -> GatewayResponse
    {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        let data = (try? StraitJSON.encoder.encode(value)) ?? Data("{}".utf8)
        return GatewayResponse(status: status, headers: headers, body: Array(data) + [0x0A])
    }

    /// replayd's own error in Strait's envelope, carrying the gateway request id.
    public static func error(_ error: ReplayError, requestID: String?, close: Bool = false) -> GatewayResponse {
        var response = json(
            error.code.status,
            StraitErrorEnvelope(
                code: error.code.rawValue,
                message: error.message,
                details: error.details.isEmpty ? nil : error.details,
                requestID: requestID
            )
        )
        response.closeConnection = close
        return response
    }
}

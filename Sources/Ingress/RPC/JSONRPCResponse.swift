import Strait

/// One response object: `result` or `error`, never both, with the request's id (null when it could not be read).
struct JSONRPCResponse: Sendable, Encodable {
    /// The request's id.
    var id: JSONRPCID
    /// The result or the error.
    var outcome: Result<JSONValue, JSONRPCError>

    private enum CodingKeys: String, CodingKey {
        case jsonrpc
        case result
        case error
        case id
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        switch outcome {
        case .success(let result): try container.encode(result, forKey: .result)
        case .failure(let error): try container.encode(error, forKey: .error)
        }
        try container.encode(id, forKey: .id)
    }

    /// The encoded object, with sorted keys. Throws only for a value JSON cannot hold (a NaN or an infinity).
    func encoded() throws -> [UInt8] {
        Array(try StraitJSON.encoder.encode(self))
    }
}

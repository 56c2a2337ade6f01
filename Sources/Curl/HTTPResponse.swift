/// A complete HTTP response, as received, with the facts of the transfer that produced it.
public struct HTTPResponse: Sendable {
    /// The status code (`201`, `404`, ...).
    public var status: Int
    /// Response header fields of the final response, in order.
    public var headers: HTTPHeaders
    /// The response body, at most the client's `maxResponseBodyBytes`.
    public var body: [UInt8]
    /// What happened on the wire.
    public var facts: TransferFacts

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], facts: TransferFacts = TransferFacts()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.facts = facts
    }
}

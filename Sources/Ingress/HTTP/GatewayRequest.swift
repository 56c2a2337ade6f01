import NIOHTTP1
import ReplayCore

/// A complete request read from a door, with who sent it.
public struct GatewayRequest: Sendable {
    /// The method, upper case.
    public var method: String
    /// The path, still percent-encoded, without the query.
    public var path: String
    /// Query parameters in order, percent-decoded. A name may repeat.
    public var query: [(name: String, value: String)]
    /// Header fields.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]
    /// The kernel's credentials of the peer.
    public var peer: PeerCredentials
    /// The principal, when the peer is mapped.
    public var principal: Principal?
    /// The gateway's id for this request.
    public var requestID: String

    /// Creates a request.
    public init(
        method: String,
        path: String,
        query: [(name: String, value: String)],
        headers: HTTPHeaders,
        body: [UInt8],
        peer: PeerCredentials,
        principal: Principal?,
        requestID: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.peer = peer
        self.principal = principal
        self.requestID = requestID
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

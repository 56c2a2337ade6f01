import Logging
import NIOHTTP1

/// One complete webhook request, as the listener admitted it.
public struct WebhookHTTPRequest: Sendable {
    /// The configured source named by the path `/hooks/{source}`.
    public var source: String
    /// Header fields in the order received; a name may repeat.
    public var headers: HTTPHeaders
    /// The raw body bytes, exactly as received (at most the configured `maxBodySize`).
    public var body: [UInt8]
    /// The client: the TCP peer, or, when the peer is a trusted proxy, the right-most untrusted
    /// `X-Forwarded-For` entry. Canonical text form (`203.0.113.9`, `2001:db8::1`).
    public var clientAddress: String
    /// The TCP peer's address, canonical text form.
    public var peerAddress: String
    /// The listener's id for this request; it is also sent back as `X-Request-Id`.
    public var requestID: String
    /// When the request head arrived, on the listener's clock (`ReplayClock.monotonicNow()`).
    public var receivedAt: Duration
    /// A logger carrying `request_id`, `source` and `client` metadata.
    public var logger: Logger

    /// Creates a request.
    public init(
        source: String,
        headers: HTTPHeaders,
        body: [UInt8],
        clientAddress: String,
        peerAddress: String,
        requestID: String,
        receivedAt: Duration,
        logger: Logger
    ) {
        self.source = source
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.peerAddress = peerAddress
        self.requestID = requestID
        self.receivedAt = receivedAt
        self.logger = logger
    }

    /// The first value of the header field `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        headers.first(name: name)
    }

    /// Every value of the header field `name` (case-insensitive), in order.
    public func headers(named name: String) -> [String] {
        headers[name]
    }
}

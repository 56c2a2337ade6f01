import NIOHTTP1

/// One complete request as the core read it: the head and at most `maxBodyBytes` of body.
public struct HTTPServerRequest: Sendable {
    /// The request line and header fields, as parsed.
    public var head: HTTPRequestHead
    /// The body bytes, exactly as received.
    public var body: [UInt8]

    /// Creates a request.
    public init(head: HTTPRequestHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }

}

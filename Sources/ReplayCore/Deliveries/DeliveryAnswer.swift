/// The HTTP answer a webhook delivery got, kept so a duplicate of the delivery gets exactly the same answer.
public struct DeliveryAnswer: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The `Content-Type`.
    public var contentType: String
    /// The body.
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

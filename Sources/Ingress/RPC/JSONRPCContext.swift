/// What a JSON-RPC handler learns about the call from the door that received it. Every call of a batch gets the
/// same context. New members get defaults, so existing call sites keep compiling.
public struct JSONRPCContext: Sendable, Hashable {
    /// The gateway's id for the transport request (`X-Request-Id`), for logs and error data.
    public var requestID: String
    /// Who is calling, as the door authenticated it (a principal name), or nil when unauthenticated.
    public var principal: String?

    /// Creates a context.
    public init(requestID: String, principal: String? = nil) {
        self.requestID = requestID
        self.principal = principal
    }
}

/// What a JSON-RPC handler learns about the call from the door that received it. A single request's call gets
/// the door's context as is; each call of a batch gets a copy with its own ``requestID`` (see ``batchCall(_:)``).
/// New members get defaults, so existing call sites keep compiling.
public struct JSONRPCContext: Sendable, Hashable {
    /// The id of this call: the gateway's id for the transport request (`X-Request-Id`) for a single request, and
    /// `<gateway id>.<position>` for a call of a batch. It names the call in logs, error data, the replay store and
    /// upstream (each attempt appends `-N`), so it must differ between the calls of one batch.
    public var requestID: String
    /// Who is calling, as the door authenticated it (a principal name), or nil when unauthenticated.
    public var principal: String?
    /// Whether the call is one of a batch (a replay in a batch needs the `bulk` grant).
    public var inBatch = false

    /// Creates a context.
    public init(requestID: String, principal: String? = nil) {
        self.requestID = requestID
        self.principal = principal
    }

    /// The context of the call at `index` (from 0) of a batch: the same principal, and the request id
    /// `<requestID>.<index + 1>`, unique within the batch and recognisable as part of the transport request.
    public func batchCall(_ index: Int) -> JSONRPCContext {
        var call = self
        call.requestID = "\(requestID).\(index + 1)"
        call.inBatch = true
        return call
    }
}

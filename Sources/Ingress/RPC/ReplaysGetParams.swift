import Strait

/// The params of `replays.get`, by name or by position: `key` (required), the idempotency key the replay was
/// claimed under (1–255 printable ASCII characters).
public struct ReplaysGetParams: Sendable, Hashable {
    /// The parameter names in positional order.
    public static let names = ["key"]

    /// The idempotency key.
    public var key: String

    /// Reads and validates the params.
    ///
    /// - Throws: −32602 naming `key` when it is missing or malformed.
    public init(_ params: JSONValue?) throws(JSONRPCError) {
        key = try JSONRPCParams(params, names: Self.names).required("key", .idempotencyKey)
    }
}

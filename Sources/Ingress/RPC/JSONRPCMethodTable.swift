import Strait

/// The methods a ``JSONRPCServer`` serves, by name. Build it once, then hand it to the server:
///
/// ```swift
/// var methods = JSONRPCMethodTable()
/// methods.register("gateway.status") { params, context throws(JSONRPCError) in
///     try JSONRPCParams.none(params)
///     return .object(["version": .string(version)])
/// }
/// ```
///
/// Method names beginning with `rpc.` are reserved by the specification and cannot be registered; neither can a
/// name twice. Both are programming errors and stop the process.
public struct JSONRPCMethodTable: Sendable {
    /// A method: takes the request's `params` (nil when the member was absent; otherwise an array or an object)
    /// and returns the `result`. Throw ``JSONRPCError`` to answer with an error.
    public typealias Handler =
        @Sendable (_ params: JSONValue?, _ context: JSONRPCContext) async throws(JSONRPCError)
        -> JSONValue

    /// A method that may throw any error: ``JSONRPCError`` is answered as is; anything else is logged and
    /// answered with a bare −32603, so no internal detail reaches the caller.
    public typealias UntypedHandler =
        @Sendable (_ params: JSONValue?, _ context: JSONRPCContext) async throws
        -> JSONValue

    private var handlers: [String: UntypedHandler] = [:]

    /// Creates an empty table.
    public init() {}

    /// Registers `handler` under `name`.
    public mutating func register(_ name: String, _ handler: @escaping Handler) {
        insert(name) { params, context in try await handler(params, context) }
    }

    /// Registers a handler that may throw errors other than ``JSONRPCError`` (see ``UntypedHandler``).
    public mutating func register(_ name: String, untyped handler: @escaping UntypedHandler) {
        insert(name, handler)
    }

    /// The registered names, sorted.
    public var names: [String] { handlers.keys.sorted() }

    /// The handler for `name`.
    func handler(for name: String) -> UntypedHandler? { handlers[name] }

    private mutating func insert(_ name: String, _ handler: @escaping UntypedHandler) {
        precondition(!name.hasPrefix("rpc."), "JSON-RPC method names starting with \"rpc.\" are reserved: \(name)")
        precondition(handlers[name] == nil, "JSON-RPC method \(name) is registered twice")
        handlers[name] = handler
    }
}

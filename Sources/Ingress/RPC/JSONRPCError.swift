import Strait

/// A JSON-RPC 2.0 error object: what a handler throws and what the `error` member of a response carries.
///
/// The specification reserves −32768…−32000. replayd uses the five predefined codes below and its own codes in the
/// server range −32000…−32099 (``JSONRPCServerCode``). `message` is one sentence for a person, naming what was
/// wrong (`params.from_checkpoint: expected a positive integer`); programs switch on `code` and read `data`.
///
/// | Code | Constructor | When |
/// |---|---|---|
/// | −32700 | ``parseError(_:)`` | The body is not valid JSON. The response id is null. |
/// | −32600 | ``invalidRequest(_:)`` | Valid JSON, but not a request object (or an empty or oversized batch). |
/// | −32601 | ``methodNotFound(_:)`` | No method of that name is registered. |
/// | −32602 | ``invalidParams(_:field:)`` | A parameter is missing, unknown or invalid; `data.field` names it. |
/// | −32603 | ``internalError`` | A failure inside replayd. Never carries internals; the log has them. |
public struct JSONRPCError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// −32700: invalid JSON was received.
    public static let parseErrorCode = -32700
    /// −32600: the JSON sent is not a valid request object.
    public static let invalidRequestCode = -32600
    /// −32601: the method does not exist or is not available.
    public static let methodNotFoundCode = -32601
    /// −32602: invalid method parameters.
    public static let invalidParamsCode = -32602
    /// −32603: internal JSON-RPC error.
    public static let internalErrorCode = -32603

    /// The error code.
    public var code: Int
    /// One sentence for a person. Never contains a secret or an internal detail.
    public var message: String
    /// Structured facts for programs, or nil.
    public var data: JSONValue?

    /// Creates an error with any code. Prefer the constructors and ``JSONRPCServerCode``.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// −32700: the body is not valid JSON; `detail` says where.
    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: detail)
    }

    /// −32600: valid JSON that is not a valid request; `detail` says which rule was broken.
    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: detail)
    }

    /// −32601 for `method`; `data.method` repeats the name.
    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(
            code: methodNotFoundCode,
            message: "method not found: \(method.debugDescription)",
            data: .object(["method": .string(method)])
        )
    }

    /// −32602 with `message`; when one parameter is at fault, `field` names it in `data.field`.
    public static func invalidParams(_ message: String, field: String? = nil) -> JSONRPCError {
        JSONRPCError(
            code: invalidParamsCode,
            message: message,
            data: field.map { .object(["field": .string($0)]) }
        )
    }

    /// −32603 without any detail: what went wrong is logged, never sent.
    public static var internalError: JSONRPCError {
        JSONRPCError(code: internalErrorCode, message: "internal error")
    }

    /// −32603 naming the gateway request id (`data.request_id`) under which the log holds the details.
    public static func internalError(requestID: String) -> JSONRPCError {
        JSONRPCError(
            code: internalErrorCode,
            message: "internal error; the replayd log has the details under request id \(requestID)",
            data: .object(["request_id": .string(requestID)])
        )
    }

    /// The server-range code, when `code` is one of replayd's.
    public var serverCode: JSONRPCServerCode? { JSONRPCServerCode(rawValue: code) }

    public var description: String { "JSON-RPC error \(code): \(message)" }
}

/// A JSON-RPC 2.0 request id: a string, a number, or null, echoed in the response with the same value.
///
/// Integers in the 64-bit ranges (`Int64`, and `UInt64` above it) keep their exact value. Other numbers (the
/// specification discourages fractional ids) are kept as a `Double`, which is exact for every integer up to 2^53.
/// A request *without* an `id` member is a notification and has no `JSONRPCID` at all; `"id": null` is a request
/// with the id ``null``, and it is answered.
public enum JSONRPCID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A string id.
    case string(String)
    /// An integer id.
    case integer(Int64)
    /// An integer id above `Int64.max`.
    case unsignedInteger(UInt64)
    /// Any other number.
    case number(Double)
    /// `null`: the id of an error response when the request's id could not be read, or a client's explicit null.
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsignedInteger(value)
        } else if let value = try? container.decode(Double.self), value.isFinite {
            self = .number(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "an id must be a string, a number or null"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .unsignedInteger(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// The id as JSON text, for logs.
    public var description: String {
        switch self {
        case .string(let value): return value.debugDescription
        case .integer(let value): return String(value)
        case .unsignedInteger(let value): return String(value)
        case .number(let value): return String(value)
        case .null: return "null"
        }
    }
}

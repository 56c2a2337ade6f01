import Strait

/// One request object of a body (the body itself, or one element of a batch), read without ever failing: what is
/// wrong with it becomes part of the value, so one bad element cannot spoil the rest of a batch.
struct JSONRPCRequestItem: Sendable, Decodable {
    /// What the element turned out to be.
    enum Kind: Sendable {
        /// A well-formed call. `params` is nil when absent, or −32602 when it holds a number no `Double` can hold.
        case call(method: String, params: Result<JSONValue?, JSONRPCError>)
        /// Not a valid request object; answered with −32600 even without an id.
        case invalid(JSONRPCError)
    }

    /// The id: nil when the member is absent (a notification, if the call is valid). An id of the wrong type
    /// makes the element invalid and is answered as null.
    var id: JSONRPCID?
    /// What the element turned out to be.
    var kind: Kind

    /// Whether no response may be sent: a valid call without an id.
    var isNotification: Bool {
        if case .call = kind, id == nil { return true }
        return false
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }

        static let jsonrpc = Key("jsonrpc")
        static let method = Key("method")
        static let params = Key("params")
        static let id = Key("id")
    }

    init(from decoder: any Decoder) {
        guard let object = try? decoder.container(keyedBy: Key.self) else {
            id = nil
            kind = .invalid(.invalidRequest("a request must be a JSON object"))
            return
        }
        var id: JSONRPCID?
        var idIsValid = true
        if object.contains(.id) {
            id = try? object.decode(JSONRPCID.self, forKey: .id)
            idIsValid = id != nil
        }
        self.id = id
        kind = Self.kind(of: object, idIsValid: idIsValid)
    }

    private static func kind(of object: KeyedDecodingContainer<Key>, idIsValid: Bool) -> Kind {
        guard (try? object.decode(String.self, forKey: .jsonrpc)) == "2.0" else {
            return .invalid(.invalidRequest("\"jsonrpc\" must be exactly \"2.0\""))
        }
        guard let method = try? object.decode(String.self, forKey: .method) else {
            return .invalid(.invalidRequest("\"method\" must be a string"))
        }
        guard idIsValid else {
            return .invalid(.invalidRequest("\"id\" must be a string, a number or null"))
        }
        guard object.contains(.params) else { return .call(method: method, params: .success(nil)) }
        if let params = try? object.decode(JSONValue.self, forKey: .params) {
            switch params {
            case .array, .object: return .call(method: method, params: .success(params))
            default: return .invalid(.invalidRequest("\"params\" must be an array or an object"))
            }
        }
        // Valid JSON that JSONValue cannot hold: an array or object with a number beyond Double (say 1e400).
        if (try? object.nestedUnkeyedContainer(forKey: .params)) != nil
            || (try? object.nestedContainer(keyedBy: Key.self, forKey: .params)) != nil
        {
            return .call(
                method: method,
                params: .failure(.invalidParams("params: a number is too large to represent"))
            )
        }
        return .invalid(.invalidRequest("\"params\" must be an array or an object"))
    }
}

import Strait

/// A method's `params`, read by name from an object or by position from an array, with −32602 errors that name
/// the parameter at fault.
///
/// ```swift
/// let params = try JSONRPCParams(raw, names: ["run_id", "from_checkpoint"])
/// let runID = try params.required("run_id", .nonEmptyString)
/// let checkpoint = try params.optional("from_checkpoint", .positiveInteger)
/// ```
///
/// `names` lists the method's parameters in positional order, so `["r1", 3]` and
/// `{"run_id": "r1", "from_checkpoint": 3}` read the same. Both forms are strict: an object member that is not in
/// `names`, or more array elements than `names`, is −32602, so a misspelt optional parameter is never ignored.
/// An explicit `null` counts as absent (it lets a positional call skip an optional parameter).
///
/// Messages name the parameter as the caller wrote it: `params.from_checkpoint: expected a positive integer, got 0`,
/// or `params[1] (from_checkpoint): …` for a positional call. `data.field` is always the parameter's name.
public struct JSONRPCParams: Sendable {
    private enum Form: Sendable {
        case named
        case positional
    }

    private let names: [String]
    private let values: [String: JSONValue]
    private let form: Form

    /// Reads `params` (nil when the request had none) for a method whose parameters are `names`, in order.
    ///
    /// - Throws: −32602 for params that are neither an array nor an object, an unknown member, or too many
    ///   positional values.
    public init(_ params: JSONValue?, names: [String]) throws(JSONRPCError) {
        self.names = names
        switch params {
        case nil:
            form = .named
            values = [:]
        case .object(let members)?:
            form = .named
            if let unknown = members.keys.filter({ !names.contains($0) }).sorted().first {
                throw .invalidParams(
                    "params.\(unknown): unknown parameter; \(Self.expectation(names))",
                    field: unknown
                )
            }
            values = members
        case .array(let elements)?:
            form = .positional
            guard !names.isEmpty || elements.isEmpty else {
                throw .invalidParams("params: this method takes no parameters, got \(elements.count)")
            }
            guard elements.count <= names.count else {
                throw .invalidParams(
                    "params: expected at most \(names.count) positional value\(names.count == 1 ? "" : "s")"
                        + " (\(names.joined(separator: ", "))), got \(elements.count)"
                )
            }
            values = Dictionary(uniqueKeysWithValues: zip(names, elements))
        case .some:
            throw .invalidParams("params: expected an array or an object")
        }
    }

    /// Checks that a method without parameters got none: `params` absent, `[]` or `{}`.
    public static func none(_ params: JSONValue?) throws(JSONRPCError) {
        _ = try JSONRPCParams(params, names: [])
    }

    /// The value of `name`, converted by `kind`.
    ///
    /// - Throws: −32602 when it is absent, null, or not what `kind` expects.
    public func required<Value>(_ name: String, _ kind: JSONRPCParamKind<Value>) throws(JSONRPCError) -> Value {
        guard let value = try optional(name, kind) else {
            throw invalid(name, "required, expected \(kind.expected)")
        }
        return value
    }

    /// The value of `name`, converted by `kind`, or nil when absent or null.
    ///
    /// - Throws: −32602 when it is present and not what `kind` expects.
    public func optional<Value>(_ name: String, _ kind: JSONRPCParamKind<Value>) throws(JSONRPCError) -> Value? {
        precondition(names.contains(name), "JSON-RPC parameter \(name) is not among the method's names \(names)")
        guard let value = values[name], value != .null else { return nil }
        guard let converted = kind.read(value) else {
            throw invalid(name, "expected \(kind.expected), got \(Self.summary(of: value))")
        }
        return converted
    }

    /// A −32602 error about `name` (for checks beyond the kind, such as a run id's rules), labelled the way the
    /// caller passed it: `params.NAME: reason` or `params[i] (NAME): reason`.
    public func invalid(_ name: String, _ reason: String) -> JSONRPCError {
        .invalidParams("\(label(name)): \(reason)", field: name)
    }

    private func label(_ name: String) -> String {
        switch form {
        case .named: return "params.\(name)"
        case .positional: return "params[\(names.firstIndex(of: name) ?? 0)] (\(name))"
        }
    }

    private static func expectation(_ names: [String]) -> String {
        names.isEmpty ? "this method takes no parameters" : "expected \(names.joined(separator: ", "))"
    }

    /// A short description of what was sent, without echoing long strings back.
    private static func summary(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .number(let number):
            return number.rounded() == number && abs(number) < 1e18 ? String(Int64(number)) : String(number)
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

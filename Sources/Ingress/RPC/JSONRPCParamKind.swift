import Strait

/// How to read one parameter value: what a valid value looks like, for the −32602 message, and the conversion.
///
/// The predefined kinds are strict: no value is coerced from another JSON type (`"3"` is not a number, `1` is not
/// `true`). Integers must be whole numbers within ±(2^53 − 1), where a JSON number is exact.
public struct JSONRPCParamKind<Value>: Sendable {
    /// What a valid value is, as in "expected a positive integer".
    public let expected: String
    private let convert: @Sendable (JSONValue) -> Value?

    /// A custom kind: `convert` returns nil for a value that is not valid.
    public init(expected: String, convert: @escaping @Sendable (JSONValue) -> Value?) {
        self.expected = expected
        self.convert = convert
    }

    /// The converted value, or nil.
    func read(_ value: JSONValue) -> Value? { convert(value) }

    /// The largest magnitude a `Double` holds with every integer below it exact: 2^53 − 1.
    static var maxExactInteger: Double { 9_007_199_254_740_991 }
}

extension JSONRPCParamKind where Value == String {
    /// Any string.
    public static var string: JSONRPCParamKind<String> {
        JSONRPCParamKind(expected: "a string") { $0.stringValue }
    }

    /// A string with at least one character.
    public static var nonEmptyString: JSONRPCParamKind<String> {
        JSONRPCParamKind(expected: "a non-empty string") { value in
            guard let text = value.stringValue, !text.isEmpty else { return nil }
            return text
        }
    }

    /// An idempotency key: 1–255 printable ASCII characters, the rule of the `Idempotency-Key` header.
    public static var idempotencyKey: JSONRPCParamKind<String> {
        JSONRPCParamKind(expected: "1 to 255 printable ASCII characters") { value in
            guard let key = value.stringValue, (1...255).contains(key.utf8.count),
                key.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
            else { return nil }
            return key
        }
    }
}

extension JSONRPCParamKind where Value == Bool {
    /// `true` or `false`.
    public static var bool: JSONRPCParamKind<Bool> {
        JSONRPCParamKind(expected: "a boolean") { value in
            guard case .bool(let flag) = value else { return nil }
            return flag
        }
    }
}

extension JSONRPCParamKind where Value == Int64 {
    /// A whole number within ±(2^53 − 1).
    public static var integer: JSONRPCParamKind<Int64> {
        JSONRPCParamKind(expected: "an integer") { value in
            guard case .number(let number) = value, number.rounded() == number,
                abs(number) <= maxExactInteger
            else { return nil }
            return Int64(number)
        }
    }

    /// A whole number from 1 to 2^53 − 1.
    public static var positiveInteger: JSONRPCParamKind<Int64> {
        JSONRPCParamKind(expected: "a positive integer") { value in
            guard case .number(let number) = value, number.rounded() == number,
                number >= 1, number <= maxExactInteger
            else { return nil }
            return Int64(number)
        }
    }
}

extension JSONRPCParamKind where Value == Double {
    /// Any number.
    public static var number: JSONRPCParamKind<Double> {
        JSONRPCParamKind(expected: "a number") { value in
            guard case .number(let number) = value else { return nil }
            return number
        }
    }
}

extension JSONRPCParamKind where Value == [String: JSONValue] {
    /// A JSON object.
    public static var object: JSONRPCParamKind<[String: JSONValue]> {
        JSONRPCParamKind(expected: "an object") { value in
            guard case .object(let members) = value else { return nil }
            return members
        }
    }
}

extension JSONRPCParamKind where Value == [JSONValue] {
    /// A JSON array.
    public static var array: JSONRPCParamKind<[JSONValue]> {
        JSONRPCParamKind(expected: "an array") { value in
            guard case .array(let elements) = value else { return nil }
            return elements
        }
    }
}

extension JSONRPCParamKind where Value == JSONValue {
    /// Any JSON value, as sent (null counts as absent, like for every kind).
    public static var any: JSONRPCParamKind<JSONValue> {
        JSONRPCParamKind(expected: "a value") { $0 }
    }
}

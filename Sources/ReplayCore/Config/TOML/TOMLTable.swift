/// A TOML table: keys in the order they were first written, each with a ``TOMLValue``.
public struct TOMLTable: Sendable, Equatable {
    /// The keys, in source order.
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    /// Creates an empty table.
    public init() {}

    /// The value for `key`, or `nil`.
    public subscript(key: String) -> TOMLValue? {
        values[key]
    }

    /// The number of keys.
    public var count: Int { keys.count }

    /// Whether the table has no keys.
    public var isEmpty: Bool { keys.isEmpty }

    /// The entries, in source order.
    public var entries: [(key: String, value: TOMLValue)] {
        keys.compactMap { key in values[key].map { (key, $0) } }
    }

    /// Sets `value` for `key`, keeping the key's first position in ``keys``.
    public mutating func set(_ value: TOMLValue, for key: String) {
        if values.updateValue(value, forKey: key) == nil {
            keys.append(key)
        }
    }
}

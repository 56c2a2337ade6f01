extension KeyedDecodingContainer {
    /// The value at `key`, or `nil` when it is absent, `null` or of another type.
    func lenient<Value: Decodable>(_ type: Value.Type, forKey key: Key) -> Value? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }
}

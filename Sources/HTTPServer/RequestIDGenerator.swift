/// Makes gateway request ids: `rq_` and 20 random lowercase hex characters. Unique enough to find a request in
/// logs and upstream (each attempt appends `-N`).
public struct RequestIDGenerator: Sendable {
    /// Creates a generator.
    public init() {}

    /// A new id.
    public func next() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt16
        return "rq_" + hex(high, digits: 16) + hex(UInt64(low), digits: 4)
    }

    private func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

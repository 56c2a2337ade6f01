/// One webhook request as it was received, before anything parsed it: the headers in arrival order and the raw body.
///
/// Verifiers read the signature headers and sign over ``body`` exactly as it came off the wire, so the door must not
/// decode, re-encode or trim the body before verification.
public struct WebhookDelivery: Sendable {
    /// The request headers in arrival order. A name may appear several times.
    public var headers: [(name: String, value: String)]
    /// The raw request body.
    public var body: [UInt8]

    /// A delivery with these headers and this raw body.
    public init(headers: [(name: String, value: String)], body: [UInt8]) {
        self.headers = headers
        self.body = body
    }

    /// The first value of the header called `name` (compared case-insensitively, ASCII), or `nil` when absent.
    public func header(_ name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of the header called `name` (compared case-insensitively, ASCII), in arrival order.
    public func headers(named name: String) -> [String] {
        headers.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// The first value of `name` without surrounding spaces and tabs (HTTP optional whitespace).
    func trimmedHeader(_ name: String) -> Substring? {
        guard let value = header(name) else { return nil }
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = value.firstIndex(where: { !isWhitespace($0) }) else { return value[value.endIndex...] }
        guard let last = value.lastIndex(where: { !isWhitespace($0) }) else { return value[value.endIndex...] }
        return value[start...last]
    }

    private static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { lowered($0) == lowered($1) }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}

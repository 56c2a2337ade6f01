/// `application/x-www-form-urlencoded` decoding (WHATWG URL standard): pairs separated by `&`, name and value
/// separated by the first `=`, `+` is a space, `%XX` is a byte, and the decoded bytes must be UTF-8.
enum FormURLEncoded {
    /// Decodes `bytes` into (name, value) pairs in body order; empty pairs are skipped.
    static func decode(_ bytes: [UInt8]) throws(WebhookPayloadError) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                name = piece[piece.startIndex..<equals]
                value = piece[piece.index(after: equals)...]
            } else {
                name = piece
                value = []
            }
            let decodedName = try unescape(name)
            pairs.append((decodedName, try unescape(value, field: decodedName)))
        }
        return pairs
    }

    /// The first value of `name` in `pairs`.
    static func first(_ name: String, in pairs: [(name: String, value: String)]) -> String? {
        pairs.first { $0.name == name }?.value
    }

    private static func unescape(_ bytes: ArraySlice<UInt8>, field: String? = nil) throws(WebhookPayloadError) -> String
    {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard bytes.endIndex - index >= 3,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else {
                    throw .malformed(
                        "form body: bad percent escape in \(field.map { "field \($0)" } ?? "a field name")"
                    )
                }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw .malformed("form body: \(field.map { "field \($0)" } ?? "a field name") is not UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

import Strait

/// Query decoding: `+` is a space in form-style queries, then `%XX` escapes; invalid escapes are kept as text.
enum PercentEncodingShim {
    static func decode(_ text: Substring) -> String {
        // Most names and values (`force`, `true`, a checkpoint number) have nothing to decode.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else {
            return String(text)
        }
        var spaced = text
        spaced.replace("+", with: " ")
        return PercentEncoding.decode(spaced) ?? String(text)
    }
}

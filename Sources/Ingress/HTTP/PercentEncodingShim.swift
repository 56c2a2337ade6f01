import Foundation
import Strait

/// Query decoding: `+` is a space in form-style queries, then `%XX` escapes; invalid escapes are kept as text.
enum PercentEncodingShim {
    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return PercentEncoding.decode(Substring(spaced)) ?? String(text)
    }
}

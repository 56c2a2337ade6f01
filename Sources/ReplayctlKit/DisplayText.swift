import Foundation
import Strait

/// Turns loosely typed JSON values into short text for tables.
public enum DisplayText {
    /// A string as is, a whole number without a fraction, `true`/`false`, compact JSON for the rest; `nil` for
    /// absent or `null`.
    public static func optionalText(_ value: JSONValue?) -> String? {
        switch value {
        case .none, .null?: return nil
        case .string(let string)?: return string
        case .number(let number)?: return number.rounded() == number ? String(Int64(number)) : String(number)
        case .bool(let bool)?: return String(bool)
        case let other?:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(other)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// `optionalText`, or `-`.
    public static func text(_ value: JSONValue?) -> String { optionalText(value) ?? "-" }

    /// A key: a string, or an object's `key` field (as in `{"principal","key"}`).
    public static func keyText(_ value: JSONValue?) -> String? {
        if case .object(let object)? = value, let key = object["key"]?.stringValue { return key }
        return optionalText(value)
    }

    /// A time: strings as they are; numbers as Unix time (milliseconds when large enough, else seconds) in
    /// RFC 3339 UTC; `-` for none.
    public static func time(_ value: JSONValue?) -> String {
        guard case .number(let number)? = value else { return text(value) }
        let seconds = (abs(number) >= 100_000_000_000 ? number / 1000 : number).rounded(.down)
        guard seconds.isFinite, abs(seconds) < 100_000_000_000 else { return text(value) }
        return StraitTimestamp(secondsSinceEpoch: Int64(seconds), nanoseconds: 0).description
    }

    /// `text` cut to `limit` characters, with `…` when cut.
    public static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit, limit > 1 else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}

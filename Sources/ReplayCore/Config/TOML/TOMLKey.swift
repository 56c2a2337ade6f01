/// A possibly dotted key as written in a document (`a."b.c".d`), with the position of each part.
struct TOMLKey: Sendable, Equatable {
    /// One simple key (bare or quoted).
    struct Part: Sendable, Equatable {
        /// The key after unquoting.
        var name: String
        /// 1-based line of the part.
        var line: Int
        /// 1-based column of the part.
        var column: Int
    }

    /// The parts; never empty.
    var parts: [Part]

    /// The key written back in TOML syntax, quoting parts that are not bare keys.
    var display: String { Self.display(parts.map(\.name)) }

    /// `names` joined with dots, quoting the ones that are not bare keys, e.g. `a."b c".d`.
    static func display(_ names: some Sequence<String>) -> String {
        names.map(displayPart).joined(separator: ".")
    }

    /// One part in TOML syntax: bare when possible, otherwise a basic string with escapes.
    static func displayPart(_ name: String) -> String {
        if !name.isEmpty && name.utf8.allSatisfy(isBareKeyByte) {
            return name
        }
        return quote(name)
    }

    /// `text` as a TOML basic string: in double quotes, with quotes, backslashes and control characters escaped.
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    /// `A-Z a-z 0-9 _ -`: the bytes allowed in a bare key.
    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

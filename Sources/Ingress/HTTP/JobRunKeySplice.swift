/// Puts `_replayd_idempotency_key` into a stored JobRun's `metadata` by splicing bytes, so that answering a
/// replay does not decode and re-encode its JSON.
///
/// It walks the top-level object once (strings, nesting and literals, nothing decoded) and inserts one member at
/// the start of the `metadata` object (or adds `metadata` when there is none, or replaces a `null` one). Whenever the
/// body is not what it expects (not one object, a key written with escapes, `metadata` twice or not an object, the
/// key already present), it returns `nil` and the caller decodes the JSON instead.
enum JobRunKeySplice {
    private static let quote: UInt8 = 0x22
    private static let backslash: UInt8 = 0x5C
    private static let openBrace: UInt8 = 0x7B
    private static let closeBrace: UInt8 = 0x7D
    private static let openBracket: UInt8 = 0x5B
    private static let closeBracket: UInt8 = 0x5D
    private static let comma: UInt8 = 0x2C
    private static let colon: UInt8 = 0x3A
    private static let metadataName = Array("metadata".utf8)
    private static let keyName = Array("_replayd_idempotency_key".utf8)

    /// `body` with `"_replayd_idempotency_key": key` in its top-level `metadata`, or `nil` (decode it instead).
    static func inject(key: String, into body: [UInt8]) -> [UInt8]? {
        var scanner = Scanner(bytes: body)
        guard scanner.skipSpace(), scanner.peek == openBrace else { return nil }
        scanner.index += 1
        var metadata: (start: Int, end: Int)?
        var hasMembers = false
        var objectEnd = 0
        members: while true {
            guard scanner.skipSpace() else { return nil }
            if scanner.peek == closeBrace, !hasMembers {
                objectEnd = scanner.index
                break members
            }
            guard let name = scanner.plainString() else { return nil }
            hasMembers = true
            guard scanner.skipSpace(), scanner.peek == colon else { return nil }
            scanner.index += 1
            guard scanner.skipSpace() else { return nil }
            let valueStart = scanner.index
            guard scanner.skipValue() else { return nil }
            if name.elementsEqual(metadataName) {
                guard metadata == nil else { return nil }
                metadata = (valueStart, scanner.index)
            }
            guard scanner.skipSpace() else { return nil }
            switch scanner.peek {
            case comma:
                scanner.index += 1
            case closeBrace:
                objectEnd = scanner.index
                break members
            default:
                return nil
            }
        }
        scanner.index = objectEnd + 1
        guard !scanner.skipSpace() else { return nil }  // something after the object

        let member = keyName.quotedJSON + [colon] + Array(key.utf8).quotedJSON
        guard let metadata else {
            var spliced = Array(body[..<objectEnd])
            if hasMembers { spliced.append(comma) }
            spliced += metadataName.quotedJSON + [colon, openBrace] + member + [closeBrace]
            spliced += body[objectEnd...]
            return spliced
        }
        let value = body[metadata.start..<metadata.end]
        if value.elementsEqual("null".utf8) {
            return Array(body[..<metadata.start]) + [openBrace] + member + [closeBrace] + body[metadata.end...]
        }
        guard body[metadata.start] == openBrace, !containsMember(keyName, objectAt: metadata.start, in: body) else {
            return nil
        }
        var inner = Scanner(bytes: body, index: metadata.start + 1)
        guard inner.skipSpace() else { return nil }
        let empty = inner.peek == closeBrace
        return Array(body[...metadata.start]) + member + (empty ? [] : [comma]) + body[(metadata.start + 1)...]
    }

    /// Whether the object starting at `start` has a member `name` (or a name written with escapes, which may be it).
    private static func containsMember(_ name: [UInt8], objectAt start: Int, in body: [UInt8]) -> Bool {
        var scanner = Scanner(bytes: body, index: start + 1)
        while true {
            guard scanner.skipSpace() else { return true }
            if scanner.peek == closeBrace { return false }
            guard let member = scanner.plainString() else { return true }
            if member.elementsEqual(name) { return true }
            guard scanner.skipSpace(), scanner.peek == colon else { return true }
            scanner.index += 1
            guard scanner.skipSpace(), scanner.skipValue(), scanner.skipSpace() else { return true }
            if scanner.peek == comma {
                scanner.index += 1
            } else {
                return scanner.peek != closeBrace
            }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8 { bytes[index] }

        /// Skips JSON whitespace; `false` at the end of the bytes.
        mutating func skipSpace() -> Bool {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return true
                }
            }
            return false
        }

        /// A string with no escapes, as its raw bytes (without quotes); `nil` for anything else.
        mutating func plainString() -> ArraySlice<UInt8>? {
            guard index < bytes.count, bytes[index] == JobRunKeySplice.quote else { return nil }
            let start = index + 1
            var cursor = start
            while cursor < bytes.count {
                switch bytes[cursor] {
                case JobRunKeySplice.quote:
                    index = cursor + 1
                    return bytes[start..<cursor]
                case JobRunKeySplice.backslash:
                    return nil
                default:
                    cursor += 1
                }
            }
            return nil
        }

        /// Skips one value (string, object, array, number or literal); `false` when it is cut off.
        mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case JobRunKeySplice.quote:
                return skipString()
            case JobRunKeySplice.openBrace, JobRunKeySplice.openBracket:
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case JobRunKeySplice.quote:
                        guard skipString() else { return false }
                        continue
                    case JobRunKeySplice.openBrace, JobRunKeySplice.openBracket:
                        depth += 1
                    case JobRunKeySplice.closeBrace, JobRunKeySplice.closeBracket:
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            default:
                let start = index
                while index < bytes.count {
                    switch bytes[index] {
                    case JobRunKeySplice.comma, JobRunKeySplice.closeBrace, JobRunKeySplice.closeBracket, 0x20, 0x09,
                        0x0A, 0x0D:
                        return index > start
                    default:
                        index += 1
                    }
                }
                return index > start
            }
        }

        private mutating func skipString() -> Bool {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case JobRunKeySplice.quote:
                    index += 1
                    return true
                case JobRunKeySplice.backslash:
                    index += 2
                default:
                    index += 1
                }
            }
            return false
        }
    }
}

extension Array where Element == UInt8 {
    /// These bytes (printable ASCII or UTF-8) as a JSON string: quoted, with `"`, `\` and control bytes escaped.
    fileprivate var quotedJSON: [UInt8] {
        var out: [UInt8] = [0x22]
        out.reserveCapacity(count + 2)
        for byte in self {
            switch byte {
            case 0x22, 0x5C:
                out += [0x5C, byte]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default:
                out.append(byte)
            }
        }
        out.append(0x22)
        return out
    }
}

import Strait

/// A bulk replay file, parsed: one run id per line, optionally followed by whitespace and a checkpoint number.
///
/// Blank lines and comments are skipped: a line whose first non-blank character is `#`, and anything from a
/// field that starts with `#`. A line that does not fit is kept as a `BulkLineError` with its number, so the
/// replay can report it and go on with the rest.
public struct BulkInput: Sendable, Hashable {
    /// The lines to replay, in file order.
    public var entries: [BulkEntry]
    /// The malformed lines, in file order.
    public var errors: [BulkLineError]

    /// Every line that counts: entries and malformed lines.
    public var lineCount: Int { entries.count + errors.count }

    /// Parses the bytes of a file. Lines end with `\n`; a `\r` before it is dropped. Line numbers start at 1. A
    /// line that is not UTF-8 is malformed.
    public init(bytes: [UInt8]) {
        var entries: [BulkEntry] = []
        var errors: [BulkLineError] = []
        var number = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var lineBytes = rawLine
            if lineBytes.last == UInt8(ascii: "\r") { lineBytes.removeLast() }
            guard let line = String(validating: lineBytes, as: UTF8.self) else {
                let text = String(decoding: lineBytes, as: UTF8.self)
                errors.append(BulkLineError(line: number, text: text, message: "the line is not valid UTF-8"))
                continue
            }
            switch Self.parse(line: line, number: number) {
            case .none: continue
            case .entry(let entry): entries.append(entry)
            case .error(let error): errors.append(error)
            }
        }
        self.entries = entries
        self.errors = errors
    }

    /// Parses `text` (see `init(bytes:)`).
    public init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    private enum LineResult {
        case none
        case entry(BulkEntry)
        case error(BulkLineError)
    }

    private static func parse(line: String, number: Int) -> LineResult {
        var fields: [Substring] = []
        for field in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if field.hasPrefix("#") { break }
            fields.append(field)
        }
        func error(_ message: String) -> LineResult {
            .error(BulkLineError(line: number, text: line, message: message))
        }
        guard let runField = fields.first else { return .none }
        guard fields.count <= 2 else {
            return error("expected a run id and an optional checkpoint, found \(fields.count) fields")
        }
        if let bad = runField.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            return error("the run id contains a control character (U+\(padded))")
        }
        do {
            _ = try RunID(String(runField))
        } catch let invalid {
            return error(invalid.message)
        }
        var checkpoint: Int64?
        if fields.count == 2 {
            let field = fields[1]
            guard field.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(field), value > 0 else {
                return error("the checkpoint \"\(field)\" is not a positive integer")
            }
            checkpoint = value
        }
        return .entry(BulkEntry(line: number, runID: String(runField), checkpoint: checkpoint))
    }
}

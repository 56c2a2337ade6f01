import Foundation
import Logging

/// A swift-log handler writing one line per event to stderr, as text (`2026-05-01T12:00:00Z info label: message
/// key=value`) or as a JSON object. Metadata values are whatever callers put there; replayd never puts a secret
/// in a log call, and the end-to-end tests grep every line for a sentinel key to hold it to that.
struct LineLogHandler: LogHandler {
    enum Format: String, Sendable {
        case text
        case json
    }

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    private let label: String
    private let format: Format
    private let output: LogOutput

    init(label: String, level: Logger.Level, format: Format, output: LogOutput) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.output = output
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let timestamp = Self.timestamp()
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote("\($0.value)"))" }
            line = ([timestamp, event.level.rawValue, "\(label):", "\(event.message)"] + fields).joined(separator: " ")
        case .json:
            var fields: [(String, String)] = [
                ("level", Self.jsonString(event.level.rawValue)), ("logger", Self.jsonString(label)),
                ("msg", Self.jsonString("\(event.message)")), ("ts", Self.jsonString(timestamp)),
            ]
            let fixed = Set(fields.map(\.0))
            for (key, value) in merged where !fixed.contains(key) { fields.append((key, Self.json(value))) }
            fields.sort { $0.0 < $1.0 }
            line = "{" + fields.map { Self.jsonString($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
        }
        output.write(line + "\n")
    }

    /// A metadata value as JSON: numbers and booleans as themselves (callers interpolate them into strings, so a
    /// string that is exactly a number's canonical form is written as that number), arrays and dictionaries as
    /// JSON arrays and objects, anything else as a string.
    static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return jsonScalar(text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as any BinaryInteger: return "\(number)"
            case let number as Double where number.isFinite: return "\(number)"
            case let flag as Bool: return flag ? "true" : "false"
            default: return jsonScalar(convertible.description)
            }
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let values):
            let members = values.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + json($0.value) }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// `text` as a JSON number or boolean when it is exactly one (`42`, `-7`, `0.25`, `true`), else a string.
    /// Only canonical forms qualify, so ids such as `007` or `1e3` stay strings.
    static func jsonScalar(_ text: String) -> String {
        if text == "true" || text == "false" { return text }
        if let integer = Int64(text), String(integer) == text { return text }
        if text.contains("."), let number = Double(text), number.isFinite, "\(number)" == text { return text }
        return jsonString(text)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, and nothing else (no `\/`).
    static func jsonString(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20 || control.value == 0x7F:
                result += String(format: "\\u%04x", control.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func quote(_ value: String) -> String {
        guard value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else { return value }
        return "\""
            + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    private static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let millis = Int(spec.tv_nsec / 1_000_000)
        var time = tm()
        var seconds = spec.tv_sec
        gmtime_r(&seconds, &time)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(time.tm_year) + 1900,
            Int(time.tm_mon) + 1,
            Int(time.tm_mday),
            Int(time.tm_hour),
            Int(time.tm_min),
            Int(time.tm_sec),
            millis
        )
    }
}

/// Serialises writes to stderr so lines from concurrent tasks never interleave.
final class LogOutput: Sendable {
    private let lock = NSLock()

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(line.utf8))
    }
}

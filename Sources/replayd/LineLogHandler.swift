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
            var object: [String: String] = ["ts": timestamp, "level": event.level.rawValue, "logger": label]
            object["msg"] = "\(event.message)"
            for (key, value) in merged where object[key] == nil { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        output.write(line + "\n")
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

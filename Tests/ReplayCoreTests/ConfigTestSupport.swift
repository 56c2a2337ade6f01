import Foundation
import Testing

@testable import ReplayCore

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withTemporaryDirectory<Result>(_ body: (String) throws -> Result) throws -> Result {
    var template = Array((NSTemporaryDirectory() + "/replayd-config-test-XXXXXX").utf8CString)
    let path = try template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, let created = mkdtemp(base) else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        return String(cString: created)
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Writes `contents` to `path` and sets its permission bits to exactly `mode`.
func writeFile(_ path: String, _ contents: String, mode: mode_t = 0o644) throws {
    try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    guard chmod(path, mode) == 0 else {
        throw POSIXError(.init(rawValue: errno) ?? .EIO)
    }
}

/// The errors that decoding `toml` produces; records an issue when it decodes.
func decodeErrors(
    _ toml: String,
    environment: [String: String]? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) -> [ConfigError] {
    do {
        _ = try ReplaydConfig.decode(toml: toml, file: "replayd.toml", environment: environment)
        Issue.record("decoded without errors", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.errors
    }
}

/// The smallest valid file: every required key, nothing else.
let minimalConfig = """
    [upstream]
    base_url = "http://127.0.0.1:8080"
    api_key_env = "STRAIT_API_KEY"

    [socket]
    path = "/run/replayd/replayd.sock"

    """

/// The directory holding `Package.swift`, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

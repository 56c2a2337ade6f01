import ArgumentParser
import ReplayctlKit

#if canImport(Glibc)
import Glibc
#endif

/// `-o table|json|jsonl|compact`, or `REPLAYCTL_OUTPUT`. Without either, a terminal gets the table and anything
/// else gets JSON (like the Strait CLI). An explicit `table` is a table even when piped.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Text for people.
    case table
    /// Pretty-printed JSON.
    case json
    /// One JSON value per line: lists print one element per line.
    case jsonl
    /// JSON on one line.
    case compact

    /// The environment variable that picks the format when `-o` is not given.
    static let environmentVariable = "REPLAYCTL_OUTPUT"

    /// Whether this is one of the JSON formats.
    var isJSON: Bool { self != .table }

    /// The format from the flag, then `REPLAYCTL_OUTPUT`, then whether stdout is a terminal. An unknown value in
    /// the environment is refused by `GlobalOptions.validate()` before this runs.
    static func resolve(_ flag: OutputFormat?, environment: [String: String]) -> OutputFormat {
        if let flag { return flag }
        if let text = environment[environmentVariable], let format = OutputFormat(rawValue: text.lowercased()) {
            return format
        }
        return isatty(STDOUT_FILENO) == 1 ? .table : .json
    }
}

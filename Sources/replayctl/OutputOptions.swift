#if canImport(Glibc)
import Glibc
#endif

/// How a command prints: the format, `-q`, `-v`/`--debug`, and whether colour is allowed on stderr.
struct OutputOptions: Sendable {
    var format: OutputFormat
    var quiet = false
    var verbose = false
    var debug = false
    var color = false

    /// Colour only on a terminal's stderr, without `--no-color`, without `NO_COLOR` (any non-empty value) and
    /// not on a `dumb` terminal.
    static func colorAllowed(noColorFlag: Bool, environment: [String: String]) -> Bool {
        guard !noColorFlag, (environment["NO_COLOR"] ?? "").isEmpty, environment["TERM"] != "dumb" else {
            return false
        }
        return isatty(STDERR_FILENO) == 1
    }
}

import ArgumentParser
import ReplayctlKit

#if canImport(Glibc)
import Glibc
#endif

/// `-o table|json`. Without `-o`, a terminal gets the table and anything else gets JSON (like the Strait CLI).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json

    /// The format to use given the flag and whether stdout is a terminal.
    static func resolve(_ flag: OutputFormat?) -> OutputFormat {
        if let flag { return flag }
        return isatty(STDOUT_FILENO) == 1 ? .table : .json
    }
}

/// The options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The replayd socket.",
            discussion: "Default: $REPLAYD_SOCKET, then \(DaemonClient.defaultSocketPath).",
            valueName: "path"
        )
    )
    var socket: String?

    @Option(name: [.short, .long], help: "Output format: table or json (default: table on a terminal, else json).")
    var output: OutputFormat?

    @Option(
        name: .long,
        help: ArgumentHelp("Give up waiting for replayd after this many seconds.", valueName: "seconds")
    )
    var timeout: Int = 120

    /// The socket path: the flag, then `REPLAYD_SOCKET`, then the default.
    func socketPath(environment: [String: String]) -> String {
        if let socket, !socket.isEmpty { return socket }
        if let fromEnvironment = environment["REPLAYD_SOCKET"], !fromEnvironment.isEmpty { return fromEnvironment }
        return DaemonClient.defaultSocketPath
    }

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }
}

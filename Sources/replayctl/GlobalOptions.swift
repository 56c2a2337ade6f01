import ArgumentParser
import Foundation
import ReplayctlKit

/// The options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The replayd socket: a path, or unix:///path.",
            discussion: "Default: $REPLAYD_SOCKET, then \(DaemonClient.defaultSocketPath).",
            valueName: "path"
        )
    )
    var socket: String?

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Output format: table, json, jsonl or compact.",
            discussion: "Default: $REPLAYCTL_OUTPUT, then table on a terminal and json otherwise."
        )
    )
    var output: OutputFormat?

    @Flag(name: [.short, .long], help: "Print only ids (new run ids, keys) and errors.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print each request to replayd and its answer on stderr.")
    var verbose = false

    @Flag(name: .long, help: "Like --verbose, and show libcurl's own text in errors.")
    var debug = false

    @Flag(name: .long, help: "No colour in the output (also when NO_COLOR is set).")
    var noColor = false

    @Option(
        name: .long,
        help: ArgumentHelp("Give up waiting for replayd after this many seconds.", valueName: "seconds")
    )
    var timeout: Int = 120

    /// The socket path: the flag, then `REPLAYD_SOCKET`, then the default; a `unix://` prefix is dropped.
    func socketPath(environment: [String: String]) -> String {
        let given: String
        if let socket, !socket.isEmpty {
            given = socket
        } else if let fromEnvironment = environment["REPLAYD_SOCKET"], !fromEnvironment.isEmpty {
            given = fromEnvironment
        } else {
            given = DaemonClient.defaultSocketPath
        }
        return Self.stripScheme(given) ?? given
    }

    /// The path of `unix:///path` or a plain path; `nil` for another scheme or an empty path.
    static func stripScheme(_ value: String) -> String? {
        if value.hasPrefix("unix://") {
            let path = String(value.dropFirst("unix://".count))
            return path.isEmpty ? nil : path
        }
        return value.contains("://") ? nil : value
    }

    /// The output settings for this command line.
    func outputOptions(environment: [String: String]) -> OutputOptions {
        OutputOptions(
            format: OutputFormat.resolve(output, environment: environment),
            quiet: quiet,
            verbose: verbose || debug,
            debug: debug,
            color: OutputOptions.colorAllowed(noColorFlag: noColor, environment: environment)
        )
    }

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
        let environment = ProcessInfo.processInfo.environment
        if let socket, Self.stripScheme(socket) == nil {
            throw ValidationError("--socket takes a path or unix:///path, not \"\(socket)\"")
        }
        if socket == nil, let fromEnvironment = environment["REPLAYD_SOCKET"], !fromEnvironment.isEmpty,
            Self.stripScheme(fromEnvironment) == nil
        {
            throw ValidationError("REPLAYD_SOCKET takes a path or unix:///path, not \"\(fromEnvironment)\"")
        }
        if output == nil, let text = environment[OutputFormat.environmentVariable], !text.isEmpty,
            OutputFormat(rawValue: text.lowercased()) == nil
        {
            let names = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("\(OutputFormat.environmentVariable) must be one of \(names), not \"\(text)\"")
        }
        if quiet, verbose || debug {
            throw ValidationError("--quiet cannot be used with --verbose or --debug")
        }
    }
}

import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// replayd: a gateway daemon that replays Strait runs for local tools, chat-ops and automation, holding the
/// Strait API key so that they never see it.
@main
struct Replayd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replayd",
        abstract: "Replay Strait runs for local tools through a Unix socket, with the API key kept here.",
        discussion: "Start with `replayd serve --config FILE`; try it with `replayd simulate` and Config/demo.toml.",
        version: ReplaydVersion.current,
        subcommands: [ServeCommand.self, SimulateCommand.self, ConfigCommand.self]
    )

    /// Ignores SIGPIPE (libcurl runs with NOSIGNAL, so writes to a closed socket must not kill us), then runs the
    /// command. Usage errors exit 3, like replayctl.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Self.exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 3 : code.rawValue)
        }
    }
}

import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// replayctl: the client for people and scripts. It talks to replayd over the Unix socket; it never needs the
/// Strait API key.
@main
struct Replayctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replayctl",
        abstract: "Replay Strait runs through the local replayd daemon.",
        version: ReplayctlVersion.current,
        subcommands: [ReplayCommand.self, PingCommand.self, StatusCommand.self]
    )

    /// Parses and runs, mapping usage errors to exit code 3 (the Strait CLI's convention) instead of 64.
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
            Foundation.exit(
                code == .validationFailure || code.rawValue == 64 ? ExitStatus.usage.rawValue : code.rawValue
            )
        }
    }
}

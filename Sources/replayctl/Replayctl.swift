import ArgumentParser
import CommandLineSupport

/// replayctl: the client for people and scripts. It talks to replayd over the Unix socket; it never needs the
/// Strait API key.
@main
struct Replayctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replayctl",
        abstract: "Replay Strait runs through the local replayd daemon.",
        version: ReplayctlVersion.current,
        subcommands: [
            ReplayCommand.self, ShowCommand.self, PendingCommand.self, ResolveCommand.self, PingCommand.self,
            StatusCommand.self,
        ]
    )

    /// Parses and runs; usage errors exit 3 (see `runMappingUsageErrors`).
    static func main() async {
        await runMappingUsageErrors()
    }
}

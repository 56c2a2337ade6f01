import ArgumentParser
import CommandLineSupport

/// replayctl: the client for people and scripts. It talks to replayd over the Unix socket; it never needs the
/// Strait API key.
@main
struct Replayctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replayctl",
        abstract: "Replay Strait runs through the local replayd daemon.",
        discussion: """
            Environment: REPLAYD_SOCKET (the socket), REPLAYCTL_OUTPUT (the default -o), NO_COLOR (no colour).

            Examples:
              replayctl replay run_123
              replayctl replay --from-file failed.txt --concurrency 16
              replayctl explain run_123
              replayctl status
              replayctl history --since 1d
              replayctl audit tail -n 20
              replayctl version
            """,
        version: ReplayctlVersion.current,
        subcommands: [
            ReplayCommand.self, ExplainCommand.self, ShowCommand.self, PendingCommand.self, HistoryCommand.self,
            ResolveCommand.self, AuditCommand.self, PingCommand.self, StatusCommand.self, PauseCommand.self,
            ResumeCommand.self, ReloadCommand.self, VersionCommand.self, TokenCommand.self,
        ]
    )

    /// Parses and runs; usage errors exit 3 (see `runMappingUsageErrors`).
    static func main() async {
        await runMappingUsageErrors()
    }
}

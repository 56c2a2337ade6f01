import ArgumentParser
import Audit
import CommandLineSupport

/// replayd: a gateway daemon that replays Strait runs for local tools, chat-ops and automation, holding the
/// Strait API key so that they never see it.
@main
struct Replayd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replayd",
        abstract: "Replay Strait runs for local tools through a Unix socket, with the API key kept here.",
        discussion: "Start with `replayd serve --config FILE`; try it with `replayd simulate` and Config/demo.toml.",
        version: ReplaydVersion.current,
        subcommands: [
            ServeCommand.self, SimulateCommand.self, ConfigCommand.self, AuditCommand.self, TokenCommand.self,
            ExplainRequestCommand.self, DoctorCommand.self, StateCommand.self,
        ]
    )

    /// Ignores SIGPIPE (libcurl runs with NOSIGNAL, so writes to a closed socket must not kill us), then parses and
    /// runs; usage errors exit 3 (see `runMappingUsageErrors`), except under `replayd audit`, where they exit 2.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        await runMappingUsageErrors(usageExitCode: AuditExitStatus.usageExitCode(forArguments: arguments))
    }
}
